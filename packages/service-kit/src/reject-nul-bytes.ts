import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationFailed } from './errors.ts';

/**
 * PostgreSQL `text` and `jsonb` cannot hold U+0000, and JSON Schema `maxLength`/`pattern` checks
 * let it through: a NUL byte in a query string, path parameter or JSON body reached the database,
 * which threw, and the request ended as a 500 — even on a public route
 * (`GET /api/products?search=%00`). createApp refuses it as the bad input it is, on every route,
 * as a `preValidation` hook: after authentication (onRequest), before any handler reads or writes.
 */
export function rejectNulBytes(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  for (const [part, value] of [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ] as const) {
    if (containsNul(value)) {
      const problem = `${part} must not contain NUL (U+0000) characters`;
      return done(new ValidationFailed(problem, { extensions: { errors: [problem] } }));
    }
  }
  done();
}

/**
 * Whether a parsed value holds U+0000 in any string or key. Raw bodies (Buffers, streams) are not
 * parsed values. Walked with an explicit stack, not recursion: however deep a value is nested, the
 * check cannot overflow the call stack (createApp also bounds JSON nesting).
 */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (Array.isArray(next)) for (const item of next) pending.push(item);
    else if (isParsedObject(next))
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
  }
  return false;
}

/**
 * An object a parser produced (JSON, query string: the latter's have an empty prototype of their
 * own), as opposed to a raw body a content-type parser hands over untouched.
 */
function isParsedObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return typeof (value as { pipe?: unknown }).pipe !== 'function'; // a stream
}
