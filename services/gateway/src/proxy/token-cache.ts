import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** One kept answer: for one URL and one access token. */
export interface TokenCacheEntry {
  /** When shop-api's answer arrived: its Age (RFC 9111 §5.1) counts from here. */
  storedAt: number;
  expiresAt: number;
  body: Buffer;
  headers: { 'content-type': string; 'cache-control': string; vary: string };
}

/**
 * What is kept, at most: keys (URL and token) and bodies together; the oldest goes first. One
 * caller can fill it with its own token under many query strings, which only evicts answers.
 */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_BODY_BYTES = 16 * 1024;

/**
 * A shared HTTP cache (RFC 9111) for shop-api's answers that depend on nothing but the caller's
 * access token — today the profile: a page load asks for it again and again with the same token.
 *
 * shop-api opts a route in, in standard terms: a 200 to a GET carrying `Cache-Control: s-maxage=N`
 * (what lets a shared cache store an answer to an authorized request, §3.5) and `Vary:
 * Authorization` (the answer is keyed on the exact credential). Such an answer is kept N seconds
 * for that URL and that token only; no other token, and no request without one, ever gets it.
 *
 * Every hit first verifies the token again with the gateway's own verifier (the same library
 * shop-api uses; a hit of its verification cache costs microseconds): a kept answer is never
 * served for a token that has expired or whose signing key the idp no longer publishes. What the
 * cache skips is shop-api repeating a decision that depends on the token alone.
 */
export function createTokenCache(verify: (token: string) => Promise<unknown>, now: () => number = Date.now) {
  const entries = new Map<string, TokenCacheEntry>();
  let bytes = 0;
  const keyOf = (url: string, token: string) => `${url} ${token}`;
  const sizeOf = (key: string, entry: TokenCacheEntry) => key.length + entry.body.length;
  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= sizeOf(key, entry);
  };
  return {
    /** The kept answer for this URL and token, once the token still verifies; otherwise undefined. */
    async lookup(url: string, token: string): Promise<TokenCacheEntry | undefined> {
      const key = keyOf(url, token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        forget(key);
        return undefined;
      }
      try {
        await verify(token);
      } catch {
        forget(key);
        return undefined;
      }
      return entry;
    },
    /** Whether an upstream answer with these headers is one to keep (then read it whole). */
    keeps(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): boolean {
      return sharedMaxAge(status, headers) > 0;
    },
    /** Keeps an answer `keeps` accepted. */
    keep(url: string, token: string, headers: OutgoingHttpHeaders, body: Buffer): void {
      const seconds = sharedMaxAge(200, headers);
      if (seconds <= 0 || body.length > MAX_BODY_BYTES) return;
      const key = keyOf(url, token);
      forget(key);
      const storedAt = now();
      const entry: TokenCacheEntry = {
        storedAt,
        expiresAt: storedAt + seconds * 1000,
        body,
        headers: {
          'content-type': String(headers['content-type'] ?? 'application/json'),
          'cache-control': String(headers['cache-control']),
          vary: String(headers.vary),
        },
      };
      bytes += sizeOf(key, entry);
      entries.set(key, entry);
      while (bytes > MAX_BYTES) forget(entries.keys().next().value!);
    },
    /** Bytes kept (keys and bodies), for tests. */
    get bytes(): number {
      return bytes;
    },
  };
}

export type TokenCache = ReturnType<typeof createTokenCache>;

/**
 * The seconds a shared cache may keep this answer per credential: a 200 of at most MAX_BODY_BYTES
 * with `s-maxage=N` and `Vary: Authorization` alone; 0 for anything else (another Vary field
 * would be a key this cache does not keep, `private` and `no-store` forbid it).
 */
function sharedMaxAge(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): number {
  if (status !== 200) return 0;
  const vary = String(headers.vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  if (vary.length !== 1 || vary[0] !== 'authorization') return 0;
  const length = Number(headers['content-length']);
  if (!(length >= 0 && length <= MAX_BODY_BYTES)) return 0;
  const cacheControl = String(headers['cache-control'] ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:private|no-store|no-cache)\b/.test(cacheControl)) return 0;
  return Number(/(?:^|,)\s*s-maxage=(\d+)\s*(?:,|$)/.exec(cacheControl)?.[1] ?? 0);
}

/**
 * What the browser may do with an answer to a request the gateway authorized with the session's
 * token: keep it for itself at most. A shared cache in front of the gateway sees no Authorization
 * on those requests (the browser sends a cookie), so `s-maxage` with `Vary: Authorization` would
 * let it hand one user's answer to every other signed-in visitor.
 */
export function privateToTheBrowser(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const cacheControl = String(headers['cache-control'] ?? '').toLowerCase();
  if (!/(?:^|,)\s*(?:public|s-maxage=)/.test(cacheControl)) return headers;
  return { ...headers, 'cache-control': 'private, no-store' };
}
