/** Why a recording could not be turned into samples. */
export type AudioErrorCode =
  /** No file at the given path. */
  | 'not_found'
  /** Not audio, damaged, a directory, or not readable by this user. */
  | 'unreadable'
  /** A zero-length file, no audio track, or nothing decodable in it. */
  | 'empty'
  /** Longer than the caller allows (`maxDurationS`). */
  | 'too_long'
  /** ffmpeg is not installed or cannot be started. */
  | 'decoder_missing';

/** A decoding failure with a one-line message fit to show a user. */
export class AudioError extends Error {
  override readonly name = 'AudioError';

  constructor(
    readonly code: AudioErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAudioError(e: unknown): e is AudioError {
  return e instanceof AudioError;
}
