/** The subset of pino's API the library uses, so a pino logger (or a test double) can be injected. */
export interface AuthLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConsoleLoggerOptions {
  /** Where a line goes. Default: stderr through console.warn / console.error. */
  write?: (line: string, level: 'info' | 'warn' | 'error') => void;
  /** Lines per message per window; the rest are counted and reported with the next line. Default 10. */
  linesPerWindow?: number;
  /** Default 60 s. */
  windowMs?: number;
  now?: () => number;
}

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * The logger used when none is injected. Rejection reasons (info) and warnings both reach stderr as
 * one JSON line each: a service that forgot to pass its logger still learns WHY tokens are refused.
 * Each message is rate-limited, so a flood of bad tokens costs a few lines a minute, not one each;
 * the first line after a window reports how many were suppressed.
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): AuthLogger {
  const write = options.write ?? defaultWrite;
  const limit = options.linesPerWindow ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  // Keyed by message: the library's messages are a small fixed set, so this map stays small.
  const windows = new Map<string, Window>();

  const emit = (level: 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    const key = `${level} ${msg ?? ''}`;
    const at = now();
    let window = windows.get(key);
    let suppressed = 0;
    if (window === undefined || at - window.startedAt >= windowMs) {
      suppressed = window?.suppressed ?? 0;
      window = { startedAt: at, written: 0, suppressed: 0 };
      windows.set(key, window);
    }
    if (window.written >= limit) {
      window.suppressed++;
      return;
    }
    window.written++;
    const line = { level, lib: '@mockmart/auth', msg, ...obj, ...(suppressed > 0 ? { suppressed } : {}) };
    write(JSON.stringify(line), level);
  };
  return { debug() {}, info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function defaultWrite(line: string, level: 'info' | 'warn' | 'error'): void {
  if (level === 'error') console.error(line);
  else console.warn(line);
}

/** Used when no logger is injected (see {@link createConsoleLogger}). */
export const consoleLogger: AuthLogger = createConsoleLogger();

export const silentLogger: AuthLogger = { debug() {}, info() {}, warn() {}, error() {} };
