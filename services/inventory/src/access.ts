import { requireServiceAccount, type Guard } from '@mockmart/auth';

/**
 * Who may call inventory. Every API route needs a service account holding one client role of this
 * service's client (problem 3: decided by a role granted in the realm, never by a missing e-mail);
 * a user token is refused whatever its claims.
 */
export interface InventoryAccess {
  read: Guard;
  reserve: Guard;
  admin: Guard;
  faults: Guard;
}

export function inventoryAccess(clientId: string): InventoryAccess {
  const role = (name: string) => requireServiceAccount({ clientRoles: { [clientId]: [name] } });
  return {
    read: role('stock:read'),
    reserve: role('stock:reserve'),
    admin: role('stock:admin'),
    faults: role('faults:manage'),
  };
}
