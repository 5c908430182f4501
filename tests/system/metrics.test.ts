/**
 * Each metric moves when its event happens, read as Prometheus reads it: from every part's own
 * scrape endpoint (a port of its own, not routed through the gateway) of the running system.
 * Mails go to an SMTP port nobody listens on, so they turn pending, then dead.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Browser } from '@mockmart/gateway/testing';
import { parsePrometheusText, type Sample } from '../../scripts/lib/prometheus-text.ts';
import { freePorts, startTestSystem, type TestSystem } from '../support/system.ts';
import { ADDRESS } from './support/shop-client.ts';

const METRICS_SCRIPT = fileURLToPath(new URL('../../scripts/metrics.ts', import.meta.url));
type Part = keyof TestSystem['metricsUrls'];

let shop: TestSystem;

before(async () => {
  const [closedSmtpPort] = await freePorts(1);
  shop = await startTestSystem({
    extraEnv: {
      notification: {
        SMTP_URL: `smtp://127.0.0.1:${closedSmtpPort}`,
        MAIL_MAX_ATTEMPTS: '3',
        MAIL_RETRY_BASE_MS: '1500',
        MAIL_RETRY_CAP_MS: '1500',
        MAIL_RETRY_POLL_MS: '100',
      },
    },
  });
});
after(async () => {
  await shop?.stop();
});

async function scrape(part: Part): Promise<Sample[]> {
  const response = await fetch(shop.metricsUrls[part]);
  assert.equal(response.status, 200);
  return parsePrometheusText(await response.text());
}

async function value(part: Part, name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await scrape(part))
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** How much a metric moved while `action` ran (waiting up to 10 s for it to move at all). */
async function moved(
  part: Part,
  name: string,
  labels: Record<string, string>,
  action: () => Promise<unknown>,
): Promise<number> {
  const before = await value(part, name, labels);
  await action();
  const deadline = Date.now() + 10_000;
  let now = await value(part, name, labels);
  while (now === before && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await value(part, name, labels);
  }
  return now - before;
}

async function tokenRequest(password: string) {
  return fetch(`${shop.urls.idp}/auth/realms/techstore/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'techstore-cli',
      username: 'luigi',
      password,
    }),
  });
}

async function checkout(token: string, paymentMethod: string, productId = 3) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const added = await fetch(`${shop.gatewayUrl}/api/cart`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ productId, quantity: 1 }),
  });
  assert.ok(added.ok, await added.text());
  const answer = await fetch(`${shop.gatewayUrl}/api/checkout`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod }),
  });
  await answer.body?.cancel();
  return answer.status;
}

test('the scrape endpoints are not the service ports, and the gateway does not serve them', async () => {
  for (const part of Object.keys(shop.metricsUrls) as Part[])
    assert.notEqual(new URL(shop.metricsUrls[part]).port, new URL(shop.urls[part]).port);
  const throughGateway = await fetch(`${shop.gatewayUrl}/metrics`);
  assert.ok(!(await throughGateway.text()).includes('http_server_request_duration'));
});

test('RED: a request counts in its route on each part it crosses', async () => {
  const labels = { http_route: '/api/products', http_response_status_code: '200' };
  assert.equal(
    await moved('shopApi', 'http_server_request_duration_count', labels, () =>
      // A query no one asked before, so the gateway's catalog cache cannot answer it for shop-api.
      fetch(`${shop.gatewayUrl}/api/products?search=${randomUUID()}`).then((r) => r.body?.cancel()),
    ),
    1,
  );
  assert.ok((await value('shopApi', 'http_server_request_duration_bucket', { ...labels, le: '+Inf' })) >= 1);
  assert.ok((await value('gateway', 'http_server_request_duration_count')) >= 1);
});

test('idp: token-endpoint requests by client, grant and outcome; login form outcomes; gateway sign-ins', async () => {
  const grant = { client_id: 'techstore-cli', grant_type: 'password' };
  assert.equal(
    await moved('idp', 'idp_token_requests_total', { ...grant, outcome: 'issued' }, () =>
      tokenRequest('luigi123').then((r) => r.body?.cancel()),
    ),
    1,
  );
  assert.equal(
    await moved('idp', 'idp_token_requests_total', { ...grant, outcome: 'refused' }, () =>
      tokenRequest('wrong-password').then((r) => r.body?.cancel()),
    ),
    1,
  );
  assert.equal(
    await moved('idp', 'idp_logins_total', { outcome: 'success' }, async () => {
      assert.equal((await new Browser(shop.gatewayUrl).login('mario', 'mario123')).status, 302);
    }),
    1,
  );
  assert.ok((await value('gateway', 'gateway_logins_total', { outcome: 'success' })) >= 1);
  assert.equal(
    await moved('idp', 'idp_logins_total', { outcome: 'failure', reason: 'invalid_credentials' }, () =>
      new Browser(shop.gatewayUrl).login('mario', 'not-his-password').catch(() => undefined),
    ),
    1,
  );
  assert.equal(
    await moved(
      'gateway',
      'gateway_logins_total',
      { outcome: 'failure', reason: 'GW_LOGIN_STATE_INVALID' },
      () => fetch(`${shop.gatewayUrl}/bff/callback?code=x&state=forged`).then((r) => r.body?.cancel()),
    ),
    1,
  );
});

test('a refused token counts under its reason at the service that refused it', async () => {
  const user = await shop.userToken('mario', 'mario123');
  assert.equal(
    await moved(
      'payment',
      'auth_token_verifications_total',
      { outcome: 'refused', reason: 'aud_mismatch' },
      () =>
        fetch(`${shop.urls.payment}/api/payments/charges?orderId=1`, {
          headers: { authorization: `Bearer ${user}` },
        }).then((r) => r.body?.cancel()),
    ),
    1,
  );
  assert.equal(
    await moved(
      'shopApi',
      'auth_token_verifications_total',
      { outcome: 'refused', reason: 'malformed' },
      () =>
        fetch(`${shop.urls.shopApi}/api/orders`, { headers: { authorization: 'Bearer abc.def' } }).then((r) =>
          r.body?.cancel(),
        ),
    ),
    1,
  );
});

test('checkouts count by result; service tokens, their cache and the JWKS fetches move with them', async () => {
  const token = await shop.userToken('mario', 'mario123');
  assert.equal(
    await moved('shopApi', 'shop_checkout_outcomes_total', { result: 'confirmed' }, async () =>
      assert.equal(await checkout(token, 'credit-card'), 201),
    ),
    1,
  );
  assert.equal(
    await moved('shopApi', 'shop_checkout_outcomes_total', { result: 'payment_declined' }, async () =>
      assert.equal(await checkout(token, 'test-decline'), 402),
    ),
    1,
  );
  const issued = { scope: 'payment-api', outcome: 'issued' };
  assert.ok((await value('shopApi', 'auth_service_token_requests_total', issued)) >= 1);
  assert.ok(
    (await value('shopApi', 'auth_service_token_cache_total', { scope: 'payment-api', result: 'hit' })) >= 1,
  );
  assert.ok((await value('payment', 'auth_jwks_fetches_total', { outcome: 'success' })) >= 1);
  assert.ok((await value('payment', 'auth_token_verifications_total', { outcome: 'accepted' })) >= 2);
});

test('the outbox backlog and age rise while notification is down and fall when it is back; mails turn pending, then dead', async (t) => {
  const token = await shop.userToken('luigi', 'luigi123');
  const notification = shop.system.part('notification');
  await notification.stop();
  t.after(async () => {
    if (notification.child.exitCode !== null) await notification.restart();
  });
  assert.equal(await checkout(token, 'credit-card', 4), 201);
  const deadline = Date.now() + 10_000;
  while ((await value('shopApi', 'shop_outbox_backlog')) < 1 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok((await value('shopApi', 'shop_outbox_backlog')) >= 1);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.ok((await value('shopApi', 'shop_outbox_oldest_age')) >= 1);

  const pendingSeen = { value: false };
  await notification.restart();
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const [backlog, pending, dead] = await Promise.all([
      value('shopApi', 'shop_outbox_backlog'),
      value('notification', 'notification_mails', { status: 'pending' }),
      value('notification', 'notification_mails', { status: 'dead' }),
    ]);
    if (pending >= 1) pendingSeen.value = true;
    if (backlog === 0 && dead >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await value('shopApi', 'shop_outbox_backlog'), 0, 'the outbox drained');
  assert.ok(pendingSeen.value, 'the mail was pending while SMTP failed');
  assert.ok((await value('notification', 'notification_mails', { status: 'dead' })) >= 1, 'then dead');
});

test('npm run metrics prints the summary of every part', () => {
  const args = (Object.keys(shop.metricsUrls) as Part[]).flatMap((part) => [
    '--target',
    `${part}=${shop.metricsUrls[part]}`,
  ]);
  const printed = execFileSync(process.execPath, [METRICS_SCRIPT, ...args], { encoding: 'utf8' });
  assert.match(printed, /shopApi +\d+ requests/);
  assert.match(printed, /tokens accepted\/refused +.*refused aud_mismatch/);
  assert.match(printed, /checkouts +.*confirmed \d+/);
  assert.match(printed, /6\/6 parts answered/);
});
