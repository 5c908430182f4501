import { allOf, requireRealmRoles, requireUser, withIntrospection } from '@mockmart/auth';

/**
 * Administration is done by people: a user token (not a service account, whatever realm roles it
 * was given) holding the realm role `admin`.
 */
export const requireAdmin = allOf(requireUser(), requireRealmRoles('admin'));

/**
 * The admin writes that move money or goods — refunds and cancellations, stock and price edits,
 * product creation and deletion, fault switches — also need the idp to confirm the token is still
 * active (RFC 7662, cached INTROSPECTION_CACHE_MS): after a logout or a revocation the token stops
 * working here within seconds, not at its expiry (≤ 5 min). Reads keep local verification: a
 * round trip per admin page would buy little.
 */
export const requireActiveAdmin = withIntrospection(requireAdmin);
