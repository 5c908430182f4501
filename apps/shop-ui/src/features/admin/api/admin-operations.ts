// Admin views over the whole shop: every order, the development mailbox (mails the notification
// service "sent"), and the fault switches of the downstream services (development only; absent,
// i.e. 404, in production).
import { api, itemsOf } from '../../../lib/api-client.ts';
import type { Money } from '../../../lib/money.ts';

export type AdminOrder = {
  id: number;
  userId: string;
  status: string;
  reason: string | null;
  total: Money;
  createdAt: string;
};

type RawOrder = {
  id: number;
  userId: string;
  status: string;
  statusReason: string | null;
  totalMinor: number;
  currency: string;
  createdAt: string;
};

export type Mail = {
  id: string;
  to: string;
  subject: string;
  text: string;
  orderId?: number | string | null;
  userId?: string | null;
  status: string;
  createdAt: string;
};

export const FAULT_SERVICES = ['payment', 'inventory', 'notification'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];
export type FaultMode =
  'none' | 'decline' | 'slow' | 'down' | 'out-of-stock' | 'timeout' | 'invalid-email' | 'slow-template';
export type FaultState = { mode: FaultMode; delayMs?: number; remaining?: number | null };

export const FAULT_MODES: Record<FaultService, FaultMode[]> = {
  payment: ['none', 'decline', 'slow', 'down', 'timeout'],
  inventory: ['none', 'out-of-stock', 'slow', 'down', 'timeout'],
  notification: ['none', 'invalid-email', 'slow-template', 'slow', 'down', 'timeout'],
};

export async function listAllOrders(signal?: AbortSignal): Promise<AdminOrder[]> {
  const raw = itemsOf(
    await api.get<{ items: RawOrder[] }>('/api/admin/orders', { signal, query: { page: 1, pageSize: 100 } }),
  );
  return raw.map((o) => ({
    id: o.id,
    userId: o.userId,
    status: o.status,
    reason: o.statusReason,
    total: { amount: o.totalMinor, currency: o.currency },
    createdAt: o.createdAt,
  }));
}

/** confirmed → refunded (full refund); a stuck pending/reserved/paid order → cancelled. */
export async function cancelOrder(id: number, note?: string): Promise<void> {
  await api.post(`/api/admin/orders/${id}/cancel`, note ? { note } : {});
}

export async function listMail(orderId: string, signal?: AbortSignal): Promise<Mail[]> {
  return itemsOf(
    await api.get<Mail[] | { items: Mail[] }>('/api/admin/mailbox', {
      signal,
      query: { orderId: orderId || undefined, limit: 50 },
    }),
  );
}

export function getFault(service: FaultService, signal?: AbortSignal): Promise<FaultState> {
  return api.get<FaultState>(`/api/admin/faults/${service}`, { signal });
}

export function setFault(service: FaultService, state: FaultState): Promise<FaultState> {
  return api.put<FaultState>(`/api/admin/faults/${service}`, state);
}
