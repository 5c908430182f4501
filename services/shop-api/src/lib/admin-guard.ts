import { allOf, requireRealmRoles, requireUser } from '@mockmart/auth';

/**
 * Administration is done by people: a user token (not a service account, whatever realm roles it
 * was given) holding the realm role `admin`.
 */
export const requireAdmin = allOf(requireUser(), requireRealmRoles('admin'));
