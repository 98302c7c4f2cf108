export { buildApp, type AppOptions } from './app.js';
export type { ModelStatus, SampleIdentifier, ServerContext } from './context.js';
export { HttpError, toErrorBody, type ErrorBody } from './errors.js';
export { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
export { availableModes, type ModeInfo } from './modes.js';
export { DATA_ENV_VAR, defaultDataDir } from '../search/openLibrary.js';
export { DEFAULT_PORT, startServer, type RunningServer, type ServeOptions } from './start.js';
