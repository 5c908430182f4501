/**
 * The HTTP calls this suite makes, against the real processes: shop-api for shoppers (user
 * tokens, aud shop-api) and admins (realm role admin: stock, faults, mailbox, orders), and the
 * idp's token-request counters. Each answer keeps status, headers and parsed body for assertions.
 */
import type { TestSystem } from '../../support/system.ts';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  contentType: string;
  body: T;
}

export const ADDRESS = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  address: 'Via Roma 1',
  city: 'Bologna',
  zipCode: '40100',
  phone: '+39 051 1234567',
};

export type PaymentMethod = 'credit-card' | 'paypal' | 'bank-transfer' | 'test-decline';

export interface FaultSetting {
  mode: 'decline' | 'slow' | 'down' | 'none';
  delayMs?: number;
  remaining?: number;
}

export function shopClient(system: TestSystem) {
  const base = system.urls.shopApi;

  async function call<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Answer<T>> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      contentType,
      body: (contentType.includes('json') && text ? JSON.parse(text) : text) as T,
    };
  }

  const expectOk = <T>(what: string, answer: Answer<T>): T => {
    if (answer.status >= 300)
      throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  return {
    call,
    addToCart: async (token: string, productId: number, quantity = 1) =>
      expectOk('add to cart', await call('POST', '/api/cart', { token, body: { productId, quantity } })),
    cart: async (token: string) =>
      expectOk<Array<{ productId: number; quantity: number }>>(
        'cart',
        await call('GET', '/api/cart', { token }),
      ),
    checkout: (
      token: string,
      idempotencyKey: string,
      paymentMethod: PaymentMethod = 'credit-card',
      signal?: AbortSignal,
    ) =>
      call('POST', '/api/checkout', {
        token,
        body: { shippingAddress: ADDRESS, paymentMethod },
        headers: { 'idempotency-key': idempotencyKey },
        ...(signal ? { signal } : {}),
      }),
    order: async (token: string, id: number) =>
      expectOk('order', await call('GET', `/api/orders/${id}`, { token })),

    admin: {
      /** `{ productId, onHand, reserved, available }` as inventory reports it. */
      stock: async (token: string, productId: number) => {
        const body = expectOk<{
          items: Array<{ productId: number; onHand: number; reserved: number; available: number }>;
        }>('admin stock', await call('GET', `/api/admin/stock/${productId}`, { token }));
        const item = body.items.find((i) => i.productId === productId);
        if (!item) throw new Error(`inventory has no stock row for product ${productId}`);
        return item;
      },
      setStock: async (token: string, productId: number, onHand: number) =>
        expectOk(
          'admin set stock',
          await call('PUT', `/api/admin/stock/${productId}`, { token, body: { onHand } }),
        ),
      setFault: async (
        token: string,
        service: 'inventory' | 'payment' | 'notification',
        setting: FaultSetting,
      ) =>
        expectOk('admin fault', await call('PUT', `/api/admin/faults/${service}`, { token, body: setting })),
      mailbox: async (token: string, orderId: number) =>
        expectOk<{
          items: Array<{ id: string; eventId: string; subject: string; orderId: string; to: string }>;
        }>('admin mailbox', await call('GET', `/api/admin/mailbox?orderId=${orderId}`, { token })).items,
      order: async (token: string, id: number) =>
        expectOk('admin order', await call('GET', `/api/admin/orders/${id}`, { token })),
    },
  };
}

export type ShopClient = ReturnType<typeof shopClient>;

/** The last lines a part printed, for a failing assertion's message (CI diagnosis). */
export function logTail(system: TestSystem, part = 'shop-api', lines = 40): string {
  const all = system.logs(part).split('\n');
  return `\n--- ${part} log (last ${lines} lines) ---\n${all
    .slice(-lines)
    .map((line) => (line.length > 600 ? `${line.slice(0, 600)}…` : line))
    .join('\n')}`;
}
