import { createHttpClient, type BearerSource } from '@mockmart/service-kit/http-client';
import { createInventoryClient, type InventoryClient } from './inventory-client.ts';
import { createNotificationClient, type NotificationClient } from './notification-client.ts';
import { createPaymentClient, type PaymentClient } from './payment-client.ts';
import type { DownstreamHttp } from './http.ts';

/**
 * The optional client scopes shop-api asks for (deploy/keycloak/README.md "Service-token scopes"):
 * each adds one audience and only the roles its calls need. Checkout, recovery and the outbox use
 * the `-api` scopes; only the admin routes use `-admin`, and only the development fault forwarding
 * uses `-faults`, so a checkout token can never adjust stock, read mail or flip a fault.
 */
export type DownstreamScope =
  | 'inventory-api'
  | 'payment-api'
  | 'notification-api'
  | 'inventory-admin'
  | 'notification-admin'
  | 'inventory-faults'
  | 'payment-faults'
  | 'notification-faults';

export interface DownstreamSettings {
  inventoryUrl: string;
  paymentUrl: string;
  notificationUrl: string;
  timeoutMs: number;
  /** The service token of that scope (tokens.bearerFor({ scope })). */
  bearerFor(scope: DownstreamScope): BearerSource;
}

export interface Downstream {
  inventory: InventoryClient;
  payment: PaymentClient;
  notification: NotificationClient;
}

/**
 * One client per downstream service and scope (a token for payment is useless at inventory, a
 * checkout token useless for admin calls). Retries happen here for idempotent or keyed calls; the
 * outbox does its own retrying for notifications, so that client makes one attempt (retry at one
 * layer only). Tokens are fetched on first use, so unused scopes cost nothing.
 */
export function createDownstreamClients(settings: DownstreamSettings): Downstream {
  const retry = { attempts: 3, baseMs: 100, capMs: 1000 };
  const client = (
    name: string,
    baseUrl: string,
    scope: DownstreamScope,
    attempts = retry.attempts,
  ): DownstreamHttp =>
    createHttpClient({
      name,
      baseUrl,
      bearer: settings.bearerFor(scope),
      timeoutMs: settings.timeoutMs,
      retry: { ...retry, attempts },
    });
  const { inventoryUrl, paymentUrl, notificationUrl } = settings;
  return {
    inventory: createInventoryClient(client('inventory', inventoryUrl, 'inventory-api'), {
      admin: client('inventory', inventoryUrl, 'inventory-admin'),
      faults: client('inventory', inventoryUrl, 'inventory-faults'),
    }),
    payment: createPaymentClient(client('payment', paymentUrl, 'payment-api'), {
      faults: client('payment', paymentUrl, 'payment-faults'),
    }),
    notification: createNotificationClient(client('notification', notificationUrl, 'notification-api', 1), {
      admin: client('notification', notificationUrl, 'notification-admin'),
      faults: client('notification', notificationUrl, 'notification-faults'),
    }),
  };
}
