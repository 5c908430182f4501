import type { TSchema } from '@sinclair/typebox';

/** One answer an endpoint gives: a status, its body (or a problem code and its extensions). */
export interface Answer {
  status: number;
  /** The problem's `code` (RFC 9457 body), for error answers. */
  code?: string;
  /** The body of a success, or the problem's extension members of an error. */
  body?: TSchema;
  /** When this answer is given, if not obvious from the status. */
  when?: string;
}

/**
 * One route of a service's contract, as CONTRIBUTING.md tells it: the schemas are the ones the
 * provider validates and serializes with, the prose says what schemas cannot (idempotency, order).
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** The client role the caller's service account must hold. */
  role: string;
  /** Required headers, named as sent (e.g. `Idempotency-Key`). */
  headers?: readonly string[];
  query?: TSchema;
  body?: TSchema;
  answers: readonly Answer[];
  notes?: string;
}
