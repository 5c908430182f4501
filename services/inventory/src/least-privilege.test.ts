import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startIdp, type Idp } from '@mockmart/idp';
import { createAccessTokenVerifier, keycloakEndpoints } from '@mockmart/auth';
import { createTestDatabase, type TestDatabase, INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { loadServiceConfig } from './config.ts';
import { buildApp } from './app.ts';

const realmFile = (name: string) =>
  fileURLToPath(new URL(`../../../deploy/keycloak/${name}`, import.meta.url));
// Fresh random secrets for every client the realm file names: nothing secret is a constant.
const secret = () => randomBytes(24).toString('base64url');
const shopApiSecret = secret();
const clientSecrets = {
  SHOP_API_CLIENT_SECRET: shopApiSecret,
  GATEWAY_CLIENT_SECRET: secret(),
  INVENTORY_CLIENT_SECRET: secret(),
  PAYMENT_CLIENT_SECRET: secret(),
  NOTIFICATION_CLIENT_SECRET: secret(),
  ORDER_RECONCILER_CLIENT_SECRET: secret(),
};

/**
 * The realm as code, served by the embedded idp, against the real inventory app: shop-api's
 * checkout token (scope=inventory-api) can reserve but never adjust stock or flip the fault switch;
 * those need the inventory-admin and inventory-faults scopes, each good for nothing else.
 */
describe('least privilege of shop-api scopes at inventory', { timeout: 30_000 }, () => {
  let idp: Idp;
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  before(async () => {
    idp = await startIdp({
      port: 0,
      publicUrl: 'http://localhost:8080',
      relativePath: '/auth',
      realmFiles: [realmFile('techstore-realm.json')],
      env: { ...clientSecrets, GATEWAY_PUBLIC_URL: 'http://localhost:8080' },
      passwordHashing: { N: 1024, r: 8, p: 1 },
      logger: pino({ level: 'silent' }),
    });
    database = await createTestDatabase({ migrationsDir: new URL('../migrations/', import.meta.url) });
    const config = loadServiceConfig({
      NODE_ENV: 'test',
      DATABASE_URL: INJECTED_DATABASE_URL,
      LOG_LEVEL: 'silent',
      KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
      KEYCLOAK_INTERNAL_URL: idp.url,
      KEYCLOAK_RELATIVE_PATH: '/auth',
    });
    const endpoints = keycloakEndpoints({
      publicUrl: config.KEYCLOAK_PUBLIC_URL,
      internalUrl: config.KEYCLOAK_INTERNAL_URL,
      realm: config.KEYCLOAK_REALM,
      relativePath: config.KEYCLOAK_RELATIVE_PATH,
    });
    const verifier = createAccessTokenVerifier({ idp: endpoints, audience: 'inventory-service' });
    app = await buildApp({ config, db: database.db, verifier });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await database?.drop();
    await idp?.close();
  });

  const tokenFor = async (scope: string): Promise<string> => {
    const res = await fetch(`${idp.baseUrl}/realms/techstore/protocol/openid-connect/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`shop-api:${shopApiSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(res.status, 200, `token for scope=${scope}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const call = (token: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const adjust = (token: string) => call(token, 'PUT', '/api/inventory/stock/1', { onHand: 7 });
  const flip = (token: string) => call(token, 'PUT', '/api/faults', { mode: 'slow', delayMs: 0 });

  test('scope=inventory-api reads and reserves, but PUT stock and PUT /api/faults are 403', async () => {
    const checkout = await tokenFor('inventory-api');
    assert.equal((await call(checkout, 'GET', '/api/inventory/stock?productIds=1')).statusCode, 200);
    const reserve = await call(checkout, 'POST', '/api/inventory/reservations', {
      orderId: 'least-privilege-1',
      items: [{ productId: 1, quantity: 1 }],
    });
    assert.equal(reserve.statusCode, 201);
    for (const refused of [
      await adjust(checkout),
      await flip(checkout),
      await call(checkout, 'GET', '/api/faults'),
    ]) {
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().code, 'AUTH_INSUFFICIENT_SCOPE');
    }
    const { rows } = await database.db.query<{ on_hand: number }>(
      'SELECT on_hand FROM stock WHERE product_id = 1',
    );
    assert.notEqual(rows[0]?.on_hand, 7, 'stock unchanged');
    assert.equal((await call(await tokenFor('inventory-faults'), 'GET', '/api/faults')).json().mode, 'none');
  });

  test('scope=inventory-admin adjusts stock and can do nothing else', async () => {
    const admin = await tokenFor('inventory-admin');
    assert.equal((await adjust(admin)).statusCode, 200);
    assert.equal((await flip(admin)).statusCode, 403);
    assert.equal((await call(admin, 'GET', '/api/inventory/stock')).statusCode, 403);
  });

  test('scope=inventory-faults flips the switch and can do nothing else', async () => {
    const faults = await tokenFor('inventory-faults');
    assert.equal((await flip(faults)).statusCode, 200);
    assert.equal((await call(faults, 'PUT', '/api/faults', { mode: 'none' })).statusCode, 200);
    assert.equal((await adjust(faults)).statusCode, 403);
    assert.equal((await call(faults, 'GET', '/api/inventory/stock')).statusCode, 403);
  });

  test('a payment-faults token is not for inventory at all (401, wrong audience)', async () => {
    assert.equal((await flip(await tokenFor('payment-faults'))).statusCode, 401);
  });
});
