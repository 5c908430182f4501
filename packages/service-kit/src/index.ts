export { createApp, type App, type AppOptions } from './app.ts';
export { routineRequest } from './access-log.ts';
export { matchesIfNoneMatch } from './conditional-requests.ts';
export { closeUnusedConnectionsOnClose } from './unused-connections.ts';
export { startServer, type RunningServer, type StartOptions, type ServableApp } from './server.ts';
export {
  runService,
  type BuiltService,
  type RunningService,
  type RunServiceConfig,
  type RunServiceOptions,
} from './run-service.ts';
export {
  AppError,
  defineError,
  ValidationFailed,
  NotFound,
  PayloadTooLarge,
  UpstreamUnavailable,
  ShuttingDown,
  InternalError,
  type DefinedError,
} from './errors.ts';
export { sendProblem, toAppError, type Problem } from './problem.ts';
export { createLogger, readableLogs, REDACTED_PATHS, type Logger, type LoggerSettings } from './logger.ts';
export { openObject, strictObject } from './schemas.ts';
export type { ReadinessCheck } from './health.ts';
export { workerLoop, type WorkerLoop } from './worker-loop.ts';
export { requestFingerprint } from './request-fingerprint.ts';
export type { EarlyAnswer, EarlyAnswerSource } from './early-answers.ts';
