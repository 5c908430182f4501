import { createHttpClient } from '@mockmart/service-kit/http-client';
import { createInventoryClient, type InventoryClient } from './inventory-client.ts';
import { createNotificationClient, type NotificationClient } from './notification-client.ts';
import { createPaymentClient, type PaymentClient } from './payment-client.ts';

export interface DownstreamSettings {
  inventoryUrl: string;
  paymentUrl: string;
  notificationUrl: string;
  timeoutMs: number;
  /** A fetch per downstream that attaches a service token with that audience (tokens.fetchFor). */
  fetchFor(scope: 'inventory-api' | 'payment-api' | 'notification-api'): typeof fetch;
}

export interface Downstream {
  inventory: InventoryClient;
  payment: PaymentClient;
  notification: NotificationClient;
}

/**
 * One client per downstream service, each with its own token audience (a token for payment is
 * useless at inventory). Retries happen here for idempotent or keyed calls; the outbox does its
 * own retrying for notifications, so that client makes one attempt (retry at one layer only).
 */
export function createDownstreamClients(settings: DownstreamSettings): Downstream {
  const retry = { attempts: 3, baseMs: 100, capMs: 1000 };
  return {
    inventory: createInventoryClient(
      createHttpClient({
        name: 'inventory',
        baseUrl: settings.inventoryUrl,
        fetch: settings.fetchFor('inventory-api'),
        timeoutMs: settings.timeoutMs,
        retry,
      }),
    ),
    payment: createPaymentClient(
      createHttpClient({
        name: 'payment',
        baseUrl: settings.paymentUrl,
        fetch: settings.fetchFor('payment-api'),
        timeoutMs: settings.timeoutMs,
        retry,
      }),
    ),
    notification: createNotificationClient(
      createHttpClient({
        name: 'notification',
        baseUrl: settings.notificationUrl,
        fetch: settings.fetchFor('notification-api'),
        timeoutMs: settings.timeoutMs,
        retry: { attempts: 1 },
      }),
    ),
  };
}
