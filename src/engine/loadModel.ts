import { AcousticModel } from '../acoustic/model.js';
import { ModelError } from '../acoustic/errors.js';
import { MODEL_ENV_VAR, resolveModel, type ModelLocation } from '../acoustic/registry.js';

/** Resolves (see resolveModel) and loads a model; a missing model gets a hint on how to point at one. */
export async function loadModel(nameOrPath?: string): Promise<AcousticModel> {
  const location = resolveModel(nameOrPath);
  try {
    return await AcousticModel.load(location.dir);
  } catch (err) {
    if (err instanceof ModelError && err.code === 'not_found') throw new ModelError('not_found', withHint(err.message, location));
    throw err;
  }
}

function withHint(message: string, location: ModelLocation): string {
  switch (location.source) {
    case 'default':
      return `${message} — no acoustic model installed; pass --model DIR or set ${MODEL_ENV_VAR}`;
    case 'env':
      return `${message} (from ${MODEL_ENV_VAR})`;
    case 'argument':
      return message;
  }
}
