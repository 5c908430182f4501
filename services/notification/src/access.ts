import { requireServiceAccount, type Guard } from '@mockmart/auth';

/**
 * Who may call notification: a service account holding one client role of this service's client
 * (never inferred from a missing e-mail, as the original did). User tokens are refused whatever
 * their claims; recipients come as fields shop-api asserts.
 */
export interface NotificationAccess {
  send: Guard;
  read: Guard;
  faults: Guard;
}

export function notificationAccess(clientId: string): NotificationAccess {
  const role = (name: string) => requireServiceAccount({ clientRoles: { [clientId]: [name] } });
  return {
    send: role('notifications:send'),
    read: role('notifications:read'),
    faults: role('faults:manage'),
  };
}
