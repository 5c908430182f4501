import { isatty } from 'node:tty';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { trace } from '@opentelemetry/api';
import { REDACTED, SECRET_FIELD_NAMES, scrubValues } from './lib/scrub-values.ts';

/**
 * Paths that must never reach a log line: credentials, tokens, cookies and personal data.
 * pino's redaction is path based, so the usual places are listed explicitly (the field names are
 * the kit's one redaction policy, shared with the span scrubber); values that slip past them
 * (e-mail addresses, bearer credentials, JWTs, secret query parameters anywhere in the line) are
 * scrubbed too.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_FIELD_NAMES.map((name) => `*.${name}`),
  'email',
  'password',
  'token',
];

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Human-readable output for development; JSON otherwise. */
  pretty?: boolean;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect what was logged. */
  destination?: NodeJS.WritableStream;
}

/**
 * Whether logs are for a person at a terminal (pretty) rather than for a collector (JSON lines):
 * outside production, when stdout is a terminal. Asked of fd 1 itself, never of `process.stdout`:
 * creating that stream switches a piped fd 1 to non-blocking, and on a non-blocking pipe every
 * moment its reader falls behind (EAGAIN) makes the asynchronous writer below wait 100 ms while
 * lines pile up in the heap — under load, half the gateway's throughput went to the garbage
 * collector (bench/README.md, "Read path").
 */
export function readableLogs(nodeEnv: string | undefined): boolean {
  return nodeEnv !== 'production' && isatty(1);
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    hooks: { streamWrite: scrubValues },
    // Every line carries the active trace, so logs and traces join up.
    mixin() {
      const context = trace.getActiveSpan()?.spanContext();
      return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
    },
  };
  if (settings.destination)
    return withCheapPrimitives(pino(options, settings.destination as pino.DestinationStream));
  if (settings.pretty) {
    return withCheapPrimitives(
      pino({
        ...options,
        transport: {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      }),
    );
  }
  // Asynchronous writes. Synchronous ones cost a write(2) per line on the request's path, and when
  // whoever reads stdout falls behind (a full pipe, EAGAIN) sonic-boom's synchronous mode sleeps
  // 100 ms, stalling every request in flight; at the gateway's catalog rates that cut its
  // throughput by a third (bench/README.md, "Read path"). Lines queued meanwhile leave in one write.
  // pino flushes what is pending synchronously when the process exits, a crash included (not on
  // SIGKILL).
  return withCheapPrimitives(pino(options, pino.destination({ dest: 1, sync: false })));
}

/**
 * pino runs the redactor of the `*.name` paths on every field of every line, primitives included,
 * where it reads its paths again and finds nothing to redact: ≈10 % of the gateway's CPU per
 * request. A string, number or boolean has no fields, so it is written as JSON at once; anything
 * else still goes through the redactor. (pino shares the stringifiers with its children.)
 */
function withCheapPrimitives(logger: Logger): Logger {
  const { stringifiersSym, wildcardFirstSym } = pino.symbols as unknown as Record<string, symbol>;
  const stringifiers = (logger as unknown as Record<symbol, Record<symbol, Stringifier | undefined>>)[
    stringifiersSym!
  ]!;
  const wildcard = stringifiers[wildcardFirstSym!];
  if (wildcard)
    stringifiers[wildcardFirstSym!] = (value, safe) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? JSON.stringify(value)
        : wildcard(value, safe);
  return logger;
}

type Stringifier = (value: unknown, safe: unknown) => string | undefined;

export type { Logger };
