import { ModelError } from '../acoustic/errors.js';
import { AudioError } from '../audio/errors.js';
import { EmbedModelError } from '../embed/errors.js';
import { ModeUnavailableError } from '../engine/modes.js';
import { oneLineMessage } from '../engine/result.js';
import { JobLimitError } from '../search/jobRunner.js';
import { LibraryError } from '../search/library.js';
import { QueryError } from '../search/queryParser.js';
import { BusyError, WorkTimeoutError } from './workQueue.js';

/** An error with the status and code the client gets; its message is one line fit to show. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly status: number;
}

const AUDIO_STATUS: Record<AudioError['code'], [number, string]> = {
  too_long: [413, 'audio_too_long'],
  empty: [400, 'empty_audio'],
  unreadable: [422, 'unreadable_audio'],
  not_found: [404, 'not_found'],
  decoder_missing: [500, 'decoder_missing'],
};

const LIBRARY_STATUS: Record<LibraryError['code'], number> = {
  not_found: 404,
  not_a_folder: 400,
  outside_library: 403,
  unreadable: 400,
};

/** Fastify's and its plugins' own error codes that deserve a clearer name. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'upload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'upload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'bad_request',
  FST_FILES_LIMIT: 'too_many_files',
  FST_PARTS_LIMIT: 'too_many_parts',
};

/** Clearer words than the framework's for the errors clients meet most. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  unsupported_media_type: 'this content type is not accepted here: send audio (audio/*, video/webm, application/octet-stream), a multipart form, or JSON where the endpoint takes it',
  upload_too_large: 'the upload is larger than this server accepts (see GET /health for the limits)',
};

/**
 * Maps anything thrown in a handler to a status and a JSON body. Unknown errors
 * become a bare 500 "internal error": stack traces and internals stay in the log.
 */
export function toErrorBody(err: unknown): { body: ErrorBody; internal: boolean } {
  const make = (status: number, code: string, message: string, internal = false) => ({
    body: { error: message, code, status },
    internal,
  });
  if (err instanceof HttpError) return make(err.statusCode, err.code, err.message);
  if (err instanceof AudioError) {
    const [status, code] = AUDIO_STATUS[err.code];
    return make(status, code, err.message, status >= 500);
  }
  if (err instanceof ModeUnavailableError) return make(503, 'model_unavailable', err.message);
  if (err instanceof ModelError || err instanceof EmbedModelError) {
    return err.code === 'not_found'
      ? make(503, 'model_unavailable', err.message)
      : make(500, 'model_failed', err.message, true);
  }
  if (err instanceof QueryError) return make(400, 'bad_query', err.message);
  if (err instanceof LibraryError) return make(LIBRARY_STATUS[err.code], err.code, err.message);
  if (err instanceof JobLimitError) return make(429, 'too_many_jobs', err.message);
  if (err instanceof BusyError) return make(503, 'busy', err.message);
  if (err instanceof WorkTimeoutError) return make(503, 'timeout', err.message);
  const framework = err as { statusCode?: unknown; code?: unknown } | null;
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    const code = typeof framework.code === 'string' ? (FRAMEWORK_CODES[framework.code] ?? 'bad_request') : 'bad_request';
    return make(framework.statusCode, code, FRAMEWORK_MESSAGES[code] ?? oneLineMessage(err));
  }
  return make(500, 'internal', 'internal error', true);
}
