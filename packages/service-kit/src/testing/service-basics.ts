import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Queryable } from '../db/index.ts';

/** What the checks use of a service's test harness (each service's `startHarness` fits as is). */
export interface BasicsHarness {
  app: Pick<FastifyInstance, 'inject'>;
  db: Pick<Queryable, 'query'>;
  /** Headers of the caller holding every role of the service. */
  shop: Record<string, string>;
  close(): Promise<void>;
}

export interface ServiceBasicsOptions<H extends BasicsHarness> {
  /** The service's name, as the describe blocks are titled ('inventory'). */
  name: string;
  /** Starts the service's harness; `env` overrides its config (production runs). */
  startHarness: (env?: Record<string, string>) => Promise<H>;
  /** Paths the OpenAPI document must list: the service's public API. */
  openApiPaths: string[];
  /** A fault production must never apply, and a request that fault would break otherwise. */
  productionFault: {
    mode: string;
    request: (h: H) => InjectOptions;
    /** The status the request answers when no fault applies. */
    status: number;
  };
}

/**
 * The checks every resource service shares: health and OpenAPI are public, an unknown route is a
 * 404 problem, and in production the fault routes do not exist and a fault row is ignored.
 */
export function describeServiceBasics<H extends BasicsHarness>(options: ServiceBasicsOptions<H>): void {
  describe(`${options.name} app`, { timeout: 30_000 }, () => {
    let h: H;
    before(async () => {
      h = await options.startHarness();
    });
    after(async () => {
      await h.close();
    });

    test('health routes and /openapi.json are public', async () => {
      assert.equal((await h.app.inject('/health/live')).statusCode, 200);
      assert.equal((await h.app.inject('/health/ready')).statusCode, 200);
      const doc = await h.app.inject('/openapi.json');
      assert.equal(doc.statusCode, 200);
      const paths = Object.keys(doc.json().paths);
      for (const path of options.openApiPaths) {
        assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
      }
    });

    test('an unknown route is a 404 problem', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/api/nope', headers: h.shop });
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    });
  });

  describe(`${options.name} in production`, { timeout: 30_000 }, () => {
    let h: H;
    before(async () => {
      h = await options.startHarness({
        NODE_ENV: 'production',
        KEYCLOAK_PUBLIC_URL: 'https://auth.example.com',
      });
    });
    after(async () => {
      await h.close();
    });

    test('the fault routes do not exist and a switched-on fault is never applied', async () => {
      const { mode, request, status } = options.productionFault;
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/faults', headers: h.shop })).statusCode,
        404,
      );
      assert.equal(
        (
          await h.app.inject({
            method: 'PUT',
            url: '/api/faults',
            headers: h.shop,
            payload: { mode: 'none' },
          })
        ).statusCode,
        404,
      );
      // Even with the switch row set behind the API's back, production never reads it. (A
      // production database has no table for it: one is made here so the row can be set.)
      await h.db.query(await readFile(new URL('../faults/fault-switch.sql', import.meta.url), 'utf8'));
      await h.db.query('UPDATE fault_switch SET mode = $1, remaining = NULL', [mode]);
      const res = await h.app.inject(request(h));
      assert.equal(res.statusCode, status);
    });
  });
}
