/**
 * Signing-key rotation under live traffic, against the whole system as real processes, on the
 * embedded idp and on real Keycloak. A steady loop of authenticated requests runs before, during
 * and after the realm's keys are rotated — through the idp's operator endpoint, or through
 * Keycloak's Admin REST API (a new `rsa-generated` provider with a higher priority, the old one
 * made passive); not one request may fail:
 * - tokens issued before the rotation keep verifying (the old key stays in the JWKS);
 * - tokens issued after it carry a new kid and verify at once in every service (each service's
 *   JWKS cache refetches on an unknown kid instead of refusing the token);
 * - shop-api's own downstream calls (stock for the catalog, admin fault reads on payment and
 *   notification) keep working with the service tokens it holds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { eventually } from './support/poll.ts';
import { identityProviders } from '../support/identity-providers.ts';

const ADMIN_USERNAME = 'idp-operator';
const ADMIN_PASSWORD = randomBytes(18).toString('base64url');
const TICK_MS = 20;

interface Tokens {
  mario: string;
  admin: string;
  inventory: string;
  payment: string;
  notification: string;
}

interface Outcome {
  phase: 'before' | 'after';
  generation: 'old' | 'new';
  target: string;
  status: number;
  detail: string;
  /** ms since the test started */
  at: number;
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

async function tokenRequest(url: string, form: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  const body = (await response.json()) as { access_token?: string; refresh_token?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token ?? '' };
}

interface KeyRotation {
  /** Rotates the realm's signing key; resolves with the new key's kid. */
  rotate(): Promise<string>;
  /** The status a rotation attempt gets with a token of the realm's own shop admin. */
  refusesRealmAdmin(adminToken: string): Promise<number>;
}

/** The idp: its operator endpoint, called by the master realm's operator. */
function idpRotation(shop: TestSystem): KeyRotation {
  const rotateUrl = `${shop.urls.idp}/auth/idp-admin/realms/techstore/rotate-keys`;
  const post = (token: string) =>
    fetch(rotateUrl, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return {
    async refusesRealmAdmin(adminToken) {
      const response = await post(adminToken);
      await response.body?.cancel();
      return response.status;
    },
    async rotate() {
      const master = await tokenRequest(`${shop.urls.idp}/auth/realms/master/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: 'admin-cli',
        username: ADMIN_USERNAME,
        password: ADMIN_PASSWORD,
      });
      const rotated = await post(master.accessToken);
      assert.equal(rotated.status, 200, await rotated.clone().text());
      return ((await rotated.json()) as { kid: string }).kid;
    },
  };
}

interface KeyComponent {
  id: string;
  name: string;
  providerId: string;
  providerType: string;
  parentId: string;
  config: Record<string, string[]>;
}

/**
 * Keycloak: the documented rotation — add an `rsa-generated` key provider with a higher priority
 * (it signs new tokens at once), and make the old one passive (it still verifies, and stays in
 * the JWKS, until it is removed later).
 */
function keycloakRotation(shop: TestSystem): KeyRotation {
  const admin = shop.keycloakAdmin!;
  const realm = `/${shop.realm}`;
  const activeRsaKey = async () => {
    const { keys } = await admin.request<{
      keys: {
        kid: string;
        algorithm: string;
        status: string;
        providerId: string;
        providerPriority: number;
      }[];
    }>('GET', `${realm}/keys`);
    const active = keys
      .filter((key) => key.algorithm === 'RS256' && key.status === 'ACTIVE')
      .sort((a, b) => b.providerPriority - a.providerPriority)[0];
    assert.ok(active, 'the realm has an active RS256 key');
    return active;
  };
  return {
    async refusesRealmAdmin(adminToken) {
      const response = await fetch(`${admin.url}/auth/admin/realms/${shop.realm}/components`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'intruder', providerId: 'rsa-generated', providerType: KEY_PROVIDER }),
      });
      await response.body?.cancel();
      return response.status;
    },
    async rotate() {
      const old = await activeRsaKey();
      const { id: realmId } = await admin.request<{ id: string }>('GET', realm);
      await admin.request('POST', `${realm}/components`, {
        name: `rsa-rotated-${Date.now()}`,
        providerId: 'rsa-generated',
        providerType: KEY_PROVIDER,
        parentId: realmId,
        config: { priority: [String(old.providerPriority + 100)], algorithm: ['RS256'], keySize: ['2048'] },
      });
      const previous = await admin.request<KeyComponent>('GET', `${realm}/components/${old.providerId}`);
      await admin.request('PUT', `${realm}/components/${old.providerId}`, {
        ...previous,
        config: { ...previous.config, active: ['false'] },
      });
      const next = await activeRsaKey();
      return next.kid;
    },
  };
}

const KEY_PROVIDER = 'org.keycloak.keys.KeyProvider';

for (const provider of identityProviders()) {
  describe(`key rotation on ${provider.label}`, { skip: provider.skip, timeout: 600_000 }, () => {
    let shop: TestSystem;

    before(async () => {
      shop = await startTestSystem({
        identity: provider.side,
        extraEnv: {
          idp: { IDP_BOOTSTRAP_ADMIN_USERNAME: ADMIN_USERNAME, IDP_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD },
        },
      });
    });
    after(async () => {
      await shop?.stop();
    });

    async function issueTokens(): Promise<Tokens> {
      const secret = shop.secrets.SHOP_API_CLIENT_SECRET;
      const [mario, admin, inventory, payment, notification] = await Promise.all([
        shop.userToken('mario', 'mario123'),
        shop.userToken('admin', 'admin123'),
        shop.serviceToken('shop-api', secret, 'inventory-api'),
        shop.serviceToken('shop-api', secret, 'payment-api'),
        // Reading the mailbox needs notifications:read, which only the notification-admin scope maps.
        shop.serviceToken('shop-api', secret, 'notification-admin'),
      ]);
      return { mario, admin, inventory, payment, notification };
    }

    async function jwksKids(): Promise<string[]> {
      const response = await fetch(
        `${shop.urls.idp}/auth/realms/${shop.realm}/protocol/openid-connect/certs`,
      );
      const body = (await response.json()) as { keys: Array<{ kid: string; use: string }> };
      return body.keys.filter((key) => key.use === 'sig').map((key) => key.kid);
    }

    /** One round of the loop: every service, each with a token of the given generation. */
    function round(tokens: Tokens): Array<{ target: string; url: string; token?: string }> {
      return [
        {
          target: 'gateway→shop-api orders (user)',
          url: `${shop.gatewayUrl}/api/orders`,
          token: tokens.mario,
        },
        // Public read whose stock comes from inventory with shop-api's own service token.
        { target: 'gateway→shop-api→inventory products', url: `${shop.gatewayUrl}/api/products` },
        // An admin read that shop-api forwards to payment / notification with its service tokens.
        {
          target: 'gateway→shop-api→payment faults (admin)',
          url: `${shop.gatewayUrl}/api/admin/faults/payment`,
          token: tokens.admin,
        },
        {
          target: 'gateway→shop-api→notification faults (admin)',
          url: `${shop.gatewayUrl}/api/admin/faults/notification`,
          token: tokens.admin,
        },
        {
          target: 'inventory stock',
          url: `${shop.urls.inventory}/api/inventory/stock`,
          token: tokens.inventory,
        },
        {
          target: 'payment charges',
          url: `${shop.urls.payment}/api/payments/charges?orderId=1`,
          token: tokens.payment,
        },
        {
          target: 'notification mailbox',
          url: `${shop.urls.notification}/api/notifications/mailbox?limit=1`,
          token: tokens.notification,
        },
      ];
    }

    /** Runs rounds every TICK_MS until stopped; each request's outcome is recorded, none awaited by the caller. */
    function trafficLoop(
      since: number,
      current: () => { phase: Outcome['phase']; sets: Array<[Outcome['generation'], Tokens]> },
    ) {
      const outcomes: Outcome[] = [];
      let running = true;
      const done = (async () => {
        while (running) {
          const { phase, sets } = current();
          const requests = sets.flatMap(([generation, tokens]) =>
            round(tokens).map(async ({ target, url, token }) => {
              try {
                const response = await fetch(url, {
                  headers: token ? { authorization: `Bearer ${token}` } : {},
                  signal: AbortSignal.timeout(5000),
                });
                const body = await response.text();
                outcomes.push({
                  phase,
                  generation,
                  target,
                  status: response.status,
                  detail: body.slice(0, 300),
                  at: Date.now() - since,
                });
              } catch (error) {
                outcomes.push({
                  phase,
                  generation,
                  target,
                  status: 0,
                  detail: (error as Error).message,
                  at: Date.now() - since,
                });
              }
            }),
          );
          await Promise.all([...requests, new Promise((resolve) => setTimeout(resolve, TICK_MS))]);
        }
      })();
      return {
        outcomes,
        async stop() {
          running = false;
          await done;
        },
      };
    }

    test(
      'rotating the signing keys under steady traffic fails no request; old and new tokens verify everywhere',
      { timeout: 120_000 },
      async (t) => {
        const started = Date.now();
        const rotator = provider.side === 'keycloak' ? keycloakRotation(shop) : idpRotation(shop);
        const oldTokens = await issueTokens();
        const tokenUrl = `${shop.urls.idp}/auth/realms/${shop.realm}/protocol/openid-connect/token`;
        const oldSession = await tokenRequest(tokenUrl, {
          grant_type: 'password',
          client_id: 'techstore-cli',
          username: 'luigi',
          password: 'luigi123',
          scope: 'openid',
        });
        const oldKid = kidOf(oldTokens.mario);
        assert.ok(oldKid, 'tokens carry a kid');
        assert.deepEqual(await jwksKids(), [oldKid]);

        let state: ReturnType<Parameters<typeof trafficLoop>[1]> = {
          phase: 'before',
          sets: [['old', oldTokens]],
        };
        const loop = trafficLoop(started, () => state);
        try {
          // Warm every verifier (JWKS cached) before rotating, so the rotation really is a change.
          await eventually(
            'a full round of successful requests before the rotation',
            async () =>
              loop.outcomes.filter((o) => o.status === 200).length >= 3 * round(oldTokens).length
                ? true
                : undefined,
            { timeoutMs: 10_000, intervalMs: 50 },
          );

          const refused = await rotator.refusesRealmAdmin(oldTokens.admin);
          assert.ok([401, 403].includes(refused), `a techstore admin may not rotate keys (${refused})`);
          t.diagnostic(`rotating after ${Date.now() - started} ms and ${loop.outcomes.length} requests`);
          const newKid = await rotator.rotate();
          assert.notEqual(newKid, oldKid);

          const kidsAfter = await jwksKids();
          assert.ok(kidsAfter.includes(oldKid), 'the old key is still published');
          assert.ok(kidsAfter.includes(newKid), 'the new key is published');

          const newTokens = await issueTokens();
          for (const [name, token] of Object.entries(newTokens))
            assert.equal(
              kidOf(token),
              newKid,
              `${name}'s token issued after the rotation is signed with the new key`,
            );
          // A refresh token issued before the rotation (HS512, old HMAC key) still refreshes.
          const refreshed = await tokenRequest(tokenUrl, {
            grant_type: 'refresh_token',
            client_id: 'techstore-cli',
            refresh_token: oldSession.refreshToken,
          });
          assert.equal(kidOf(refreshed.accessToken), newKid);

          const rotatedAt = loop.outcomes.length;
          state = {
            phase: 'after',
            sets: [
              ['old', oldTokens],
              ['new', newTokens],
            ],
          };
          await eventually(
            'rounds with old and new tokens after the rotation',
            async () =>
              loop.outcomes.filter((o) => o.phase === 'after' && o.generation === 'new').length >=
              10 * round(newTokens).length
                ? true
                : undefined,
            { timeoutMs: 20_000, intervalMs: 50 },
          );
          assert.ok(loop.outcomes.length > rotatedAt);
        } finally {
          await loop.stop();
        }

        const failed = loop.outcomes.filter((o) => o.status !== 200);
        assert.equal(
          failed.length,
          0,
          `${failed.length} of ${loop.outcomes.length} requests failed:\n${summarize(failed)}\n--- service logs ---\n${shop
            .logs()
            .split('\n')
            .filter((line) => /kid|jwks/i.test(line))
            .slice(0, 10)
            .join('\n')}`,
        );
        for (const phase of ['before', 'after'] as const)
          for (const { target } of round(oldTokens)) {
            const generations = phase === 'before' ? ['old'] : ['old', 'new'];
            for (const generation of generations)
              assert.ok(
                loop.outcomes.some(
                  (o) => o.phase === phase && o.generation === generation && o.target === target,
                ),
                `${target} was called ${phase} the rotation with ${generation} tokens`,
              );
          }
        const elapsed = Date.now() - started;
        assert.ok(elapsed < 120_000, `took ${elapsed} ms`);
        t.diagnostic(`${loop.outcomes.length} requests in ${elapsed} ms, none failed`);
      },
    );
  });
}

/** Failures per target and token generation: how many, over which time window, and one body. */
function summarize(failed: Outcome[]): string {
  const groups = new Map<string, Outcome[]>();
  for (const o of failed) {
    const key = `${o.phase}/${o.generation} ${o.target} → ${o.status}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  return [...groups]
    .map(
      ([key, list]) =>
        `${key}: ${list.length}× from ${list[0]!.at} to ${list.at(-1)!.at} ms; ${list[0]!.detail}`,
    )
    .join('\n');
}
