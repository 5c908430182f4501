import type { Principal } from '@mockmart/auth';

/**
 * Whose cart a request addresses. A signed-in shopper's cart is keyed by the token's `sub` (never
 * by anything in the body); an anonymous visitor's by the random cart id the gateway keeps in its
 * session and forwards as X-Cart-Id (the gateway strips any client-sent value).
 */
export type CartOwner =
  { kind: 'user'; key: string; subject: string } | { kind: 'anonymous'; key: string; cartId: string };

/** Random ids only: UUIDs or base64url tokens, 16-128 characters. */
export const CART_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function userCart(principal: Principal): CartOwner {
  return { kind: 'user', key: `user:${principal.subject}`, subject: principal.subject };
}

export function anonymousCart(cartId: string): CartOwner {
  return { kind: 'anonymous', key: `anon:${cartId}`, cartId };
}
