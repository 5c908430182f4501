import {
  authenticateRequest,
  authProblem,
  isAuthError,
  requireUser,
  type AccessTokenVerifier,
  type Principal,
} from '@mockmart/auth';
import { anonymousCart, CART_ID_PATTERN, userCart, type CartOwner } from './cart-owner.ts';
import { CartOwnerMissing } from '../errors.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

const USER = requireUser();

/**
 * Cart routes are `auth: 'public'` because anonymous visitors use them, and on public routes the
 * auth plugin ignores a bad token. Here a token that IS sent must be a valid shop-api user token:
 * an invalid one (or one for another audience) is 401, a service account 403 — exactly as on
 * user-only routes — so a broken token never silently falls back to the anonymous cart.
 */
export function cartIdentityHook(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return;
    try {
      const principal = request.principal as Principal | undefined;
      // Valid token: only check it is a user's. Otherwise re-run verification for the precise error.
      if (principal) {
        if (principal.isServiceAccount) await authenticateRequest(verifier, authorization, USER);
      } else {
        await authenticateRequest(verifier, authorization, USER);
      }
    } catch (error) {
      if (!isAuthError(error)) throw error;
      const problem = authProblem(error, verifier.options.realm, request.url.split('?')[0]);
      return reply.code(problem.status).headers(problem.headers).send(problem.body);
    }
  };
}

export function resolveCartOwner(request: FastifyRequest): CartOwner {
  const principal = request.principal as Principal | undefined;
  if (principal) return userCart(principal);
  const owner = anonymousCartOf(request);
  if (owner) return owner;
  throw new CartOwnerMissing('Send a user access token, or the X-Cart-Id of an anonymous cart', {
    headers: { 'www-authenticate': 'Bearer realm="techstore"' },
  });
}

/** The anonymous cart named by X-Cart-Id, if any. */
export function anonymousCartOf(request: FastifyRequest): CartOwner | undefined {
  const cartId = request.headers['x-cart-id'];
  return typeof cartId === 'string' && CART_ID_PATTERN.test(cartId) ? anonymousCart(cartId) : undefined;
}
