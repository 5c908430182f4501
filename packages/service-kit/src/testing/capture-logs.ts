import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logger.ts';

/** A real pino logger writing into memory, so tests can assert what was (not) logged. */
export function captureLogs(
  name = 'test',
  level = 'debug',
): { logger: Logger; lines(): Record<string, unknown>[]; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ name, level, destination });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
