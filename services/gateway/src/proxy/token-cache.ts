import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * shop-api's caching instructions for this gateway alone (a targeted Cache-Control field, RFC
 * 9213): clients and any cache in front of the gateway go by `Cache-Control`, and never see this.
 */
export const GATEWAY_CACHE_CONTROL = 'gateway-cache-control';

/** One kept answer: for one URL and one access token. */
export interface TokenCacheEntry {
  /** When the request that fetched it was sent: its Age (RFC 9111 §4.2.3) counts from here. */
  storedAt: number;
  expiresAt: number;
  body: Buffer;
  headers: { 'content-type': string; 'cache-control': string; vary: string };
}

/** The longest the gateway keeps an answer for a token, whatever shop-api says. */
const MAX_SECONDS = 60;
const MAX_BODY_BYTES = 16 * 1024;
/**
 * What is kept, at most, counting each entry's key, body and bookkeeping; the oldest goes first.
 * One caller can fill it with its own token under many query strings, which only evicts answers.
 */
const MAX_BYTES = 8 * 1024 * 1024;
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * A cache for shop-api's answers that depend on nothing but the caller's access token — today the
 * profile: a page load asks for it again and again with the same token.
 *
 * shop-api opts a route in: a 200 to a GET with `Gateway-Cache-Control: max-age=N` and `Vary:
 * Authorization` alone. Such an answer is kept for that URL and that token only (keyed by the
 * token's SHA-256), N seconds from when it was asked for and at most a minute; no other token, and
 * no request without one, ever gets it. Its own `Cache-Control` (the profile's is `private,
 * no-store`) goes to the client unchanged.
 *
 * Every hit first verifies the token again with the gateway's own verifier (the same library
 * shop-api uses; a hit of its verification cache costs microseconds), so a kept answer is not
 * served for a token that has expired, nor once the gateway's copy of the idp's keys has lost the
 * token's key. In all, an answer is served at most a minute after shop-api last accepted the token.
 * Routes whose decision needs more than the token (introspection: admin writes) must not opt in.
 */
export function createTokenCache(verify: (token: string) => Promise<unknown>, now: () => number = Date.now) {
  const entries = new Map<string, TokenCacheEntry>();
  let bytes = 0;
  const keyOf = (url: string, token: string) =>
    `${url} ${createHash('sha256').update(token).digest('base64url')}`;
  const sizeOf = (key: string, entry: TokenCacheEntry) =>
    key.length + entry.body.length + ENTRY_OVERHEAD_BYTES;
  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= sizeOf(key, entry);
  };
  return {
    now,
    /**
     * The kept answer for this URL and token, once the token still verifies: undefined at once when
     * nothing is kept (no promise for the reads that never hit), else a promise of the answer, or
     * of undefined when it expired or the token no longer verifies.
     */
    lookup(url: string, token: string): Promise<TokenCacheEntry | undefined> | undefined {
      const key = keyOf(url, token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        forget(key);
        return undefined;
      }
      return verify(token).then(
        () => entry,
        () => {
          forget(key);
          return undefined;
        },
      );
    },
    /** Whether an upstream answer with these headers is one to keep (then read it whole). */
    keeps(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): boolean {
      return gatewayMaxAge(status, headers) > 0;
    },
    /** Keeps an answer `keeps` accepted; `requestedAt` is when the request for it was sent. */
    keep(url: string, token: string, requestedAt: number, headers: IncomingHttpHeaders, body: Buffer): void {
      const seconds = gatewayMaxAge(200, headers);
      if (seconds <= 0 || body.length > MAX_BODY_BYTES) return;
      const key = keyOf(url, token);
      forget(key);
      // Its own memory: a small body read from the socket is a slice of an 8 KiB pool slab.
      const own = Buffer.allocUnsafeSlow(body.length);
      body.copy(own);
      const entry: TokenCacheEntry = {
        storedAt: requestedAt,
        expiresAt: requestedAt + seconds * 1000,
        body: own,
        headers: {
          'content-type': String(headers['content-type'] ?? 'application/json'),
          'cache-control': String(headers['cache-control'] ?? 'private, no-store'),
          vary: String(headers.vary),
        },
      };
      bytes += sizeOf(key, entry);
      entries.set(key, entry);
      while (bytes > MAX_BYTES) forget(entries.keys().next().value!);
    },
    /** Bytes counted against the budget, for tests. */
    get bytes(): number {
      return bytes;
    },
  };
}

export type TokenCache = ReturnType<typeof createTokenCache>;

/**
 * The seconds the gateway may keep this answer per token: a 200 of at most MAX_BODY_BYTES with
 * `Gateway-Cache-Control: max-age=N` (capped at MAX_SECONDS) and `Vary: Authorization` alone; 0 for
 * anything else (another Vary field would be a key this cache does not keep). Parsed strictly: a
 * quoted or malformed value keeps nothing.
 */
function gatewayMaxAge(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders): number {
  if (status !== 200) return 0;
  const vary = String(headers.vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  if (vary.length !== 1 || vary[0] !== 'authorization') return 0;
  const length = Number(headers['content-length']);
  if (!(length >= 0 && length <= MAX_BODY_BYTES)) return 0;
  const directives = String(headers[GATEWAY_CACHE_CONTROL] ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:private|no-store|no-cache)\b/.test(directives)) return 0;
  const seconds = Number(/(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/.exec(directives)?.[1] ?? 0);
  return Math.min(seconds, MAX_SECONDS);
}

/**
 * What the client's own request directives (RFC 9111 §5.2.1) allow: `no-cache`, `max-age=0` (or,
 * without Cache-Control, `Pragma: no-cache`) ask for a fresh answer, which is then kept; `no-store`
 * also forbids keeping it.
 */
export function clientDirectives(headers: IncomingHttpHeaders): { fresh: boolean; store: boolean } {
  const cacheControl = String(headers['cache-control'] ?? '').toLowerCase();
  const store = !/(?:^|,)\s*no-store\b/.test(cacheControl);
  const fresh =
    !store ||
    /(?:^|,)\s*(?:no-cache|max-age=0)\b/.test(cacheControl) ||
    (headers['cache-control'] === undefined && /no-cache/i.test(String(headers.pragma ?? '')));
  return { fresh, store };
}
