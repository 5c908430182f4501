import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { matchesIfNoneMatch, routineRequest, type EarlyAnswer } from '@mockmart/service-kit';
import { ageHeader } from './forwarding.ts';

interface Entry {
  /** When shop-api's answer arrived: its Age (RFC 9111 §5.1) counts from here. */
  storedAt: number;
  expiresAt: number;
  /** Past expiresAt, it may still be served until then while one read revalidates it (RFC 5861). */
  staleUntil: number;
  body: Buffer;
  headers: { 'content-type': string; etag: string; 'cache-control': string };
}

/** Distinct catalog URLs kept (the query string is the visitor's): the oldest goes first. */
const MAX_ENTRIES = 256;

/** One read of a catalog URL on its way to shop-api. */
export interface CatalogFetch {
  /** Keeps the answer when it is a cacheable 200 and no write came through since the read began. */
  store(status: number, headers: Record<string, unknown>, body: Buffer): void;
  /** The read is over (answered, failed or abandoned): whoever waited for it goes on. */
  end(): void;
}

/**
 * A shared HTTP cache for shop-api's anonymous catalog answers, as a CDN in front of it would be:
 * a 200 marked `Cache-Control: public, max-age=N` with an ETag is kept N seconds and served
 * without calling shop-api; If-None-Match against it gets 304. Shown stock may then lag by
 * shop-api's own bound plus N — except after a write through this replica (an admin edit, a
 * checkout), which empties the cache, so whoever made a change sees it at once.
 *
 * Misses are collapsed: when an answer expires, the fifty readers that miss it at that moment
 * wait for one read of shop-api rather than each making their own (that burst, once a second,
 * was most of the catalog's p99). When shop-api allows it (`stale-while-revalidate=M`), they do
 * not even wait: the first reader after expiry reads shop-api, and until its answer is kept the
 * others get the expired one, for at most M seconds past expiry. Nothing older is served, and a
 * write through this replica empties the cache as before.
 */
export function createCatalogCache(now: () => number = Date.now) {
  const entries = new Map<string, Entry>();
  const reading = new Map<string, Promise<void>>();
  /** Bumped by every write: an answer read before a write is never kept after it. */
  let generation = 0;
  return {
    /** Answers from the cache; false when there is nothing fresh for this URL. */
    serve(request: FastifyRequest, reply: FastifyReply): boolean {
      const entry = entries.get(request.url);
      if (!entry) return false;
      const at = now();
      if (entry.expiresAt <= at) {
        if (entry.staleUntil <= at) {
          entries.delete(request.url);
          return false;
        }
        // Expired: this reader revalidates, unless another already does.
        if (!reading.has(request.url)) return false;
      }
      routineRequest(request);
      reply.headers(entry.headers);
      void reply.header('age', ageHeader(entry.storedAt, at));
      if (notModified(request.headers, entry.headers.etag)) reply.code(304).send();
      else reply.send(entry.body);
      return true;
    },
    /**
     * The kept answer for `request`, given before Fastify sees it (service-kit's early answers),
     * when it is fresh: `headers` are what the gateway's hooks add to every answer (its security
     * headers). An expired entry is left to `serve`, which knows whether to revalidate it.
     * `request` must be an anonymous catalog read (api-proxy.ts decides).
     */
    answerEarly(
      request: IncomingMessage,
      headers: Record<string, string>,
      route: string,
    ): EarlyAnswer | undefined {
      const entry = entries.get(request.url ?? '');
      const at = now();
      if (!entry || entry.expiresAt <= at) return undefined;
      const kept = { ...headers, ...entry.headers, age: ageHeader(entry.storedAt, at) };
      if (notModified(request.headers, entry.headers.etag)) return { route, status: 304, headers: kept };
      return {
        route,
        status: 200,
        headers: { ...kept, 'content-length': String(entry.body.length) },
        body: entry.body,
      };
    },
    /** The read of this URL in flight since the last write, if any: wait for it, then serve. */
    inFlight(url: string): Promise<void> | undefined {
      return reading.get(url);
    },
    /** Starts a read of `url` from shop-api; later misses wait for it while it is the only one. */
    begin(url: string): CatalogFetch {
      const began = generation;
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      if (!reading.has(url)) reading.set(url, done);
      return {
        store: (status, headers, body) => {
          if (generation === began) keep(url, status, headers, body);
        },
        end: () => {
          if (reading.get(url) === done) reading.delete(url);
          finish();
        },
      };
    },
    /** Forgets every kept answer and every read in flight (after a write that may change them). */
    clear(): void {
      generation++;
      entries.clear();
      reading.clear();
    },
  };

  /** Keeps an upstream answer when it is a cacheable 200. */
  function keep(url: string, status: number, headers: Record<string, unknown>, body: Buffer): void {
    const cacheControl = String(headers['cache-control'] ?? '');
    const seconds = (directive: string) =>
      Number(new RegExp(`(?:^|,)\\s*${directive}=(\\d+)`).exec(cacheControl)?.[1] ?? 0);
    const maxAge = seconds('max-age');
    const staleWhileRevalidate = seconds('stale-while-revalidate');
    const etag = headers.etag;
    if (status !== 200 || !/(?:^|,)\s*public\b/.test(cacheControl) || maxAge <= 0 || typeof etag !== 'string')
      return;
    entries.delete(url); // a revalidated answer is the newest
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    const storedAt = now();
    const expiresAt = storedAt + maxAge * 1000;
    entries.set(url, {
      storedAt,
      expiresAt,
      staleUntil: expiresAt + staleWhileRevalidate * 1000,
      body,
      headers: {
        'content-type': String(headers['content-type'] ?? 'application/json'),
        etag,
        'cache-control': cacheControl,
      },
    });
  }
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;

/** The request's If-None-Match names this entity tag (a kept or just-read answer's). */
export function notModified(headers: IncomingHttpHeaders, etag: unknown): boolean {
  return typeof etag === 'string' && matchesIfNoneMatch(headers['if-none-match'], etag);
}
