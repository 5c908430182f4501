import { parseBooleanClaim, type Principal } from '@mockmart/auth';
import { CheckoutForbidden } from '../errors.ts';

export const CHECKOUT_ROLE = 'can-checkout';

/**
 * May this shopper check out? The realm role `can-checkout` is the rule; the legacy `canCheckout`
 * user attribute claim is still honoured through the one robust parser (true, "true", ["true"]),
 * so tokens from an older realm keep working. Anything else — including a missing claim — is no.
 */
export function mayCheckout(principal: Principal): boolean {
  return principal.realmRoles.includes(CHECKOUT_ROLE) || parseBooleanClaim(principal.claims.canCheckout);
}

export function assertMayCheckout(principal: Principal): void {
  if (!mayCheckout(principal)) {
    throw new CheckoutForbidden(
      'Your account is not allowed to place orders (role can-checkout missing). Please contact support.',
    );
  }
}
