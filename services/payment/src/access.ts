import { requireServiceAccount, type Guard } from '@mockmart/auth';

/**
 * Who may call payment: a service account holding one client role of this service's client
 * (problem 3: a role granted in the realm, never inferred from a missing e-mail). User tokens are
 * refused whatever their claims; the shopper's identity comes as fields shop-api asserts.
 */
export interface PaymentAccess {
  charge: Guard;
  refund: Guard;
  read: Guard;
  faults: Guard;
}

export function paymentAccess(clientId: string): PaymentAccess {
  const role = (name: string) => requireServiceAccount({ clientRoles: { [clientId]: [name] } });
  return {
    charge: role('payments:charge'),
    refund: role('payments:refund'),
    read: role('payments:read'),
    faults: role('faults:manage'),
  };
}
