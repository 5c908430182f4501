/** The subset of pino's API the library uses, so a pino logger (or a test double) can be injected. */
export interface AuthLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Used when no logger is injected: warnings and errors still reach stderr, as one JSON line each. */
export const consoleLogger: AuthLogger = {
  debug() {},
  info() {},
  warn(obj, msg) {
    console.warn(JSON.stringify({ level: 'warn', lib: '@mockmart/auth', msg, ...obj }));
  },
  error(obj, msg) {
    console.error(JSON.stringify({ level: 'error', lib: '@mockmart/auth', msg, ...obj }));
  },
};

export const silentLogger: AuthLogger = { debug() {}, info() {}, warn() {}, error() {} };
