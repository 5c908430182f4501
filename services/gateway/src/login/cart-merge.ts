import type { FastifyBaseLogger } from 'fastify';

/**
 * Moves the visitor's anonymous cart into the user's cart right after sign-in (shop-api
 * POST /api/cart/merge with the user's new token and the anonymous X-Cart-Id). Best effort: a
 * failure is logged and the login still succeeds — the anonymous lines simply stay behind.
 */
export async function mergeAnonymousCart(options: {
  shopApiUrl: string;
  accessToken: string;
  cartId: string;
  logger: FastifyBaseLogger;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Promise<void> {
  const call = options.fetch ?? fetch;
  try {
    const response = await call(new URL('/api/cart/merge', options.shopApiUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        'x-cart-id': options.cartId,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    const body = (await response.json().catch(() => undefined)) as { merged?: unknown } | undefined;
    if (response.ok) options.logger.info({ merged: body?.merged }, 'anonymous cart merged at sign-in');
    else options.logger.warn({ status: response.status }, 'anonymous cart merge refused by shop-api');
  } catch (error) {
    options.logger.warn({ reason: (error as Error).name }, 'anonymous cart merge failed');
  }
}
