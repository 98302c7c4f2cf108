import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { ACCEPTED_TYPES_HINT, bareMediaType, isAcceptedAudioType } from './mediaTypes.js';

export interface AudioUpload {
  readonly bytes: Buffer;
  /** The client's file name, or "upload". */
  readonly name: string;
  /** Text fields sent with a multipart upload (mode, top). */
  readonly fields: Readonly<Record<string, string>>;
}

const unsupported = (type: string): HttpError =>
  new HttpError(415, 'unsupported_media_type', `uploads must be audio: got ${type || 'no content type'}; send ${ACCEPTED_TYPES_HINT}`);

/** Keeps a client-given file name short and free of path parts. */
export function safeFileName(name: string | undefined, fallback = 'upload'): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\p{L}\p{N}._ -]+/gu, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return cleaned === '' ? fallback : cleaned;
}

/** The X-File-Name header a raw upload may carry, percent-encoded by browsers. */
function headerFileName(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The one audio file of a POST /identify: a multipart form with a file field
 * (plus optional text fields), or the audio itself as the raw body.
 */
export async function readAudioUpload(req: FastifyRequest, maxBytes: number): Promise<AudioUpload> {
  if (!req.isMultipart()) {
    if (!isAcceptedAudioType(req.headers['content-type'])) throw unsupported(bareMediaType(req.headers['content-type']));
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError(400, 'empty_audio', 'the request body is empty: send the audio as the body or as a multipart file');
    const name = safeFileName(headerFileName(req.headers['x-file-name']));
    return { bytes: body, name, fields: {} };
  }
  const fields: Record<string, string> = {};
  let upload: { bytes: Buffer; name: string } | undefined;
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024 } })) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (!isAcceptedAudioType(part.mimetype)) {
      part.file.resume();
      throw unsupported(bareMediaType(part.mimetype));
    }
    upload = { bytes: await part.toBuffer(), name: safeFileName(part.filename) };
  }
  if (!upload) throw new HttpError(400, 'missing_file', 'the form has no file: send the audio in a file field (e.g. "audio")');
  if (upload.bytes.length === 0) throw new HttpError(400, 'empty_audio', `${upload.name} is empty`);
  return { ...upload, fields };
}

/**
 * Saves the files of a multipart POST /library into `dir`, each under a fresh
 * name. Non-audio parts are refused with 415 and nothing is kept.
 */
export async function saveLibraryUploads(
  req: FastifyRequest,
  dir: string,
  limits: { maxFileBytes: number; maxFiles: number },
): Promise<string[]> {
  const saved: string[] = [];
  try {
    for await (const part of req.parts({ limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 10 } })) {
      if (part.type === 'field') continue;
      if (!isAcceptedAudioType(part.mimetype)) {
        part.file.resume();
        throw unsupported(bareMediaType(part.mimetype));
      }
      const target = `${dir}/${Date.now().toString(36)}-${saved.length}-${safeFileName(part.filename, 'recording')}`;
      saved.push(target);
      await pipeline(part.file, createWriteStream(target, { flags: 'wx' }));
      if (part.file.truncated) {
        throw new HttpError(413, 'upload_too_large', `${safeFileName(part.filename)} is over the ${Math.round(limits.maxFileBytes / 1048576)} MiB limit per file`);
      }
    }
  } catch (err) {
    await Promise.all(saved.map((p) => rm(p, { force: true })));
    throw err;
  }
  if (saved.length === 0) throw new HttpError(400, 'missing_file', 'the form has no files');
  return saved;
}
