export type ModelErrorCode =
  | 'not_found'
  | 'bad_card'
  | 'units_mismatch'
  | 'hash_mismatch'
  | 'load_failed'
  | 'inference_failed';

/** Anything wrong with an acoustic model folder or running it; `message` is one line, ready for users. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
