import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from './errors.ts';

/**
 * PostgreSQL `text` and `jsonb` cannot hold U+0000, and JSON Schema `maxLength`/`pattern` checks
 * let it through: a NUL byte in a query string, path parameter or JSON body reached the database,
 * which threw, and the request ended as a 500 — even on a public route
 * (`GET /api/products?search=%00`). createApp refuses it as the bad input it is, on every route,
 * as a `preValidation` hook: after authentication (onRequest), before any handler reads or writes.
 */
export async function rejectNulBytes(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ] as const) {
    if (containsNul(value)) {
      const problem = `${part} must not contain NUL (U+0000) characters`;
      throw new ValidationFailed(problem, { extensions: { errors: [problem] } });
    }
  }
}

/** Whether a parsed value holds U+0000 in any string or key. Raw bodies (Buffers, streams) are not parsed values. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (isParsedObject(value))
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
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
