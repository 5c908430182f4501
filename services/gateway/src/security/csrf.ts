import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CsrfRejected } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Defence in depth for the cookie session (SameSite=Lax already keeps the cookie off cross-site
 * POSTs in current browsers):
 * 1. the request must come from our own origin: `Origin`, when sent, equals the public origin, and
 *    `Sec-Fetch-Site`, when sent, is `same-origin` (browsers always send one of them on a
 *    cross-site fetch/form POST, and neither can be forged by a page);
 * 2. for a signed-in session, `X-CSRF-Token` equals the session's token (synchronizer token;
 *    a custom header also forces a CORS preflight, which the gateway never grants).
 */
export function assertSameOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== publicOrigin)
    throw new CsrfRejected('The request came from another site');
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    throw new CsrfRejected('The request came from another site');
}

export function assertCsrfToken(request: FastifyRequest, expected: string): void {
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || sent.length === 0)
    throw new CsrfRejected('X-CSRF-Token header is required; read it from GET /bff/user');
  if (!constantTimeEqual(sent, expected)) throw new CsrfRejected('X-CSRF-Token does not match this session');
}

/** Compares digests so neither content nor length leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
