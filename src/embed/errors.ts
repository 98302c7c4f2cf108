export type EmbedModelErrorCode = 'not_found' | 'bad_card' | 'units_mismatch' | 'features_mismatch' | 'hash_mismatch' | 'load_failed' | 'inference_failed';

/** Anything wrong with a QuranCLAP or bridge model folder or running it; `message` is one line. */
export class EmbedModelError extends Error {
  override readonly name = 'EmbedModelError';
  constructor(
    readonly code: EmbedModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
