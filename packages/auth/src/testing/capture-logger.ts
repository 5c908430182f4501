import type { AuthLogger } from '../lib/logger.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

/** A pino-compatible logger that records entries, so tests can assert reasons (and absent secrets). */
export function captureLogger(): AuthLogger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const record = (level: LogEntry['level']) => (fields: object, msg?: string) => {
    entries.push({ level, msg, fields: { ...fields } });
  };
  return {
    entries,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => JSON.stringify(entries),
  };
}
