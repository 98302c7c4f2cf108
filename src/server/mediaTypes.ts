/**
 * Content types taken as audio uploads. Browsers label recordings from the
 * microphone audio/webm or audio/ogg (Chrome, Firefox) or audio/mp4 (Safari),
 * and files by extension; octet-stream is what curl and unknown extensions
 * send. The decoder decides in the end: these only turn away what is clearly not audio.
 */
const ACCEPTED = [/^audio\/[\w.+-]+$/, /^video\/(?:webm|ogg|mp4|quicktime|x-matroska)$/, /^application\/(?:ogg|octet-stream)$/];

/** The bare media type: "Audio/WebM; codecs=opus" → "audio/webm". */
export function bareMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export function isAcceptedAudioType(contentType: string | undefined): boolean {
  const type = bareMediaType(contentType);
  return ACCEPTED.some((pattern) => pattern.test(type));
}

export const ACCEPTED_TYPES_HINT = 'audio/* (wav, mp3, ogg, opus, flac, m4a, webm…), video/webm, video/mp4 or application/octet-stream';
