/**
 * The shop as the demo commands (`npm run scenario`, `npm run traffic`) use it: through the
 * gateway only, with user tokens from the development CLI client (password grant), every request
 * starting a trace whose id the command knows (it sends its own `traceparent`), so it can print
 * the ids to look at.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
  traceId: string;
}

export interface FaultSetting {
  mode: string;
  delayMs?: number;
  remaining?: number;
  userIds?: string[];
  includeReads?: boolean;
}

export type FaultState = Required<Pick<FaultSetting, 'mode'>> & {
  delayMs: number | null;
  remaining: number | null;
  userIds: string[] | null;
  includeReads: boolean;
};

export const SHIPPING_ADDRESS = {
  firstName: 'Demo',
  lastName: 'Shopper',
  address: 'Via Roma 1',
  city: 'Bologna',
  zipCode: '40100',
  phone: '+39 051 1234567',
};

/** Refuses anything but this machine unless asked: demo traffic is for a local system. */
export function checkLoopback(url: string, allowRemote: boolean): void {
  const host = new URL(url).hostname;
  if (!allowRemote && !['localhost', '127.0.0.1', '[::1]'].includes(host))
    throw new Error(`${url} is not on this machine; pass --allow-remote to send demo traffic there`);
}

export function shopSession(gatewayUrl: string) {
  const tokenEndpoint = `${gatewayUrl}/auth/realms/techstore/protocol/openid-connect/token`;

  async function call<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Answer<T>> {
    const traceId = randomBytes(16).toString('hex');
    const started = performance.now();
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal ?? AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const json =
      (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return {
      status: response.status,
      body: json as T,
      headers: response.headers,
      ms: performance.now() - started,
      traceId,
    };
  }

  async function expect<T>(what: string, answer: Promise<Answer<T>>): Promise<Answer<T>> {
    const done = await answer;
    if (done.status >= 300) throw new Error(`${what}: HTTP ${done.status} ${JSON.stringify(done.body)}`);
    return done;
  }

  return {
    call,
    /** A user's access token (development CLI client, password grant). */
    async signIn(username: string, password: string): Promise<{ token: string; userId: string }> {
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'techstore-cli',
          username,
          password,
          scope: 'openid',
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!response.ok || !body.access_token)
        throw new Error(`sign-in of ${username} failed: HTTP ${response.status} ${body.error ?? ''}`);
      return { token: body.access_token, userId: subjectOf(body.access_token) };
    },
    products: (token?: string) =>
      expect('products', call<Array<{ id: number }>>('GET', '/api/products', { token })),
    addToCart: (token: string, productId: number, quantity = 1) =>
      expect('add to cart', call('POST', '/api/cart', { token, body: { productId, quantity } })),
    checkout: (token: string, paymentMethod = 'credit-card') =>
      call<{ traceId?: string; code?: string; order?: { id: number } }>('POST', '/api/checkout', {
        token,
        body: { shippingAddress: SHIPPING_ADDRESS, paymentMethod },
        headers: { 'idempotency-key': randomUUID() },
      }),
    /** Empties the cart (a failed checkout puts its lines back): no cart is left behind. */
    async clearCart(token: string): Promise<void> {
      const cart = await expect('cart', call<Array<{ productId: number }>>('GET', '/api/cart', { token }));
      for (const line of cart.body)
        await expect('remove from cart', call('DELETE', `/api/cart/${line.productId}`, { token }));
    },
    async cartSize(token: string): Promise<number> {
      return (await expect('cart', call<unknown[]>('GET', '/api/cart', { token }))).body.length;
    },
    fault: (adminToken: string, service: string) =>
      expect(
        'read fault switch',
        call<FaultState>('GET', `/api/admin/faults/${service}`, { token: adminToken }),
      ),
    setFault: (adminToken: string, service: string, setting: FaultSetting) =>
      expect(
        `switch ${service}`,
        call<FaultState>('PUT', `/api/admin/faults/${service}`, { token: adminToken, body: setting }),
      ),
  };
}

export type ShopSession = ReturnType<typeof shopSession>;

/** The token's `sub` (base64url-decoded payload; no verification needed to read one's own token). */
function subjectOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub?: string;
  };
  if (!payload.sub) throw new Error('the access token has no sub');
  return payload.sub;
}

/** A fault state as the setting that recreates it. */
export function settingOf(state: FaultState): FaultSetting {
  if (state.mode === 'none') return { mode: 'none' };
  return {
    mode: state.mode,
    ...(state.delayMs !== null ? { delayMs: state.delayMs } : {}),
    ...(state.remaining !== null ? { remaining: state.remaining } : {}),
    ...(state.userIds ? { userIds: state.userIds } : {}),
    ...(state.includeReads ? { includeReads: true } : {}),
  };
}
