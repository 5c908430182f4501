/**
 * Traces across the running system: a sign-in (gateway → idp login form → callback → gateway)
 * and a checkout (gateway → shop-api → inventory → payment, then the outbox → notification) are
 * each one connected trace, found by `npm run traces <traceId>` with the trace id a problem+json
 * answer carries; and no trace file or log line holds a token, a code, a state or a secret.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser } from '@mockmart/gateway/testing';
import { searchTraces } from '../../scripts/lib/trace-search.ts';
import { operationOf, type SpanNode, type Trace } from '../../scripts/lib/trace-tree.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { ADDRESS } from './support/shop-client.ts';

const TRACES_SCRIPT = fileURLToPath(new URL('../../scripts/traces.ts', import.meta.url));

let shop: TestSystem;
let tracesDir: string;
/** Everything secret this suite saw pass by; none of it may be in a trace file or a log line. */
const secrets = new Set<string>();

before(async () => {
  shop = await startTestSystem();
  tracesDir = shop.system.part('gateway').spec.env.TRACES_DIR!;
  for (const value of Object.values(shop.secrets)) secrets.add(value);
});
after(async () => {
  await shop?.stop();
});

/**
 * Polls the trace files until the trace holds what `complete` wants and is connected: every
 * service flushes its spans every 0.5 s, so a parent may show up a moment after its children.
 */
async function waitForTrace(
  filter: Parameters<typeof searchTraces>[1],
  complete: (trace: Trace) => boolean,
): Promise<Trace> {
  const deadline = Date.now() + 20_000;
  let last: Trace | undefined;
  while (Date.now() < deadline) {
    [last] = (await searchTraces(tracesDir, filter, { limit: 1, marginMs: 0 })).traces;
    if (last && complete(last) && connected(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`trace never completed; last seen: ${JSON.stringify(last && summary(last), null, 1)}`);
}

const connected = (trace: Trace) => trace.roots.length === 1 && !trace.roots[0]!.orphan;

function spansOf(trace: Trace): SpanNode[] {
  const all: SpanNode[] = [];
  const walk = (node: SpanNode) => {
    all.push(node);
    node.children.forEach(walk);
  };
  trace.roots.forEach(walk);
  return all;
}

const summary = (trace: Trace) => ({
  roots: trace.roots.length,
  spans: spansOf(trace).map(
    (node) => `${node.span.service} ${node.span.name}${node.orphan ? ' (orphan)' : ''}`,
  ),
});

const has = (trace: Trace, service: string, name: RegExp) =>
  spansOf(trace).some((node) => node.span.service === service && name.test(operationOf(node.span)));

/** `npm run traces <id>`: prints the trace whole, one root, no span without its parent. */
function printedTrace(traceId: string): string {
  const printed = execFileSync(process.execPath, [TRACES_SCRIPT, traceId, '--dir', tracesDir], {
    encoding: 'utf8',
  });
  assert.match(printed, new RegExp(`trace ${traceId} `));
  assert.doesNotMatch(printed, /parent not recorded/);
  return printed;
}

test('a sign-in through the gateway is one trace: login, the idp form, the callback and its token exchange', async () => {
  const browser = new Browser(shop.gatewayUrl);
  const start = await browser.request('/bff/login?returnTo=%2Fcart');
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get('location')!, shop.gatewayUrl);
  secrets.add(authorize.searchParams.get('state')!);
  secrets.add(authorize.searchParams.get('nonce')!);
  const form = await browser.request(authorize.href);
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/
    .exec(await form.text())?.[1]
    ?.replaceAll('&amp;', '&');
  assert.ok(action, `no login form (${form.status})`);
  const submitted = await browser.request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'mario', password: 'mario123', credentialId: '' }).toString(),
  });
  assert.equal(submitted.status, 302);
  const callback = new URL(submitted.headers.get('location')!, shop.gatewayUrl);
  assert.equal(callback.pathname, '/bff/callback');
  secrets.add(callback.searchParams.get('code')!);
  const done = await browser.request(callback.href);
  assert.equal(done.status, 302, await done.text());
  assert.equal(done.headers.get('location'), '/cart');
  for (const value of browser.issuedCookieValues) if (value.length >= 16) secrets.add(value);

  const trace = await waitForTrace(
    { route: '/bff/callback' },
    (candidate) =>
      has(candidate, 'gateway', /^GET \/bff\/login$/) &&
      has(candidate, 'idp', /^POST .*\/login-actions\/authenticate$/) &&
      has(candidate, 'gateway', /^GET \/bff\/callback$/) &&
      has(candidate, 'idp', /^POST .*\/protocol\/openid-connect\/token$/),
  );
  assert.equal(trace.roots.length, 1, JSON.stringify(summary(trace), null, 1));
  assert.equal(trace.roots[0]!.span.name, 'GET /bff/login');
  assert.ok(
    spansOf(trace).every((node) => !node.orphan),
    JSON.stringify(summary(trace), null, 1),
  );
  const printed = printedTrace(trace.traceId);
  assert.match(printed, /\[gateway, idp(, shop-api)?\]/);
});

test('a declined checkout is one trace from the gateway to payment, and its mail joins it through the outbox', async () => {
  const token = await shop.userToken('mario', 'mario123');
  secrets.add(token);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const added = await fetch(`${shop.gatewayUrl}/api/cart`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ productId: 2, quantity: 1 }),
  });
  assert.ok(added.ok, await added.text());
  const answer = await fetch(`${shop.gatewayUrl}/api/checkout`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ shippingAddress: ADDRESS, paymentMethod: 'test-decline' }),
  });
  assert.equal(answer.status, 402);
  assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
  const problem = (await answer.json()) as { traceId?: string; code?: string };
  assert.match(problem.traceId ?? '', /^[0-9a-f]{32}$/, JSON.stringify(problem));

  const trace = await waitForTrace(
    { traceId: problem.traceId },
    (candidate) =>
      ['gateway', 'shop-api', 'inventory', 'payment', 'notification'].every((service) =>
        candidate.services.includes(service),
      ) && has(candidate, 'notification', /^POST \/api\/notifications$/),
  );
  assert.equal(trace.roots.length, 1, JSON.stringify(summary(trace), null, 1));
  assert.equal(trace.roots[0]!.span.service, 'gateway');
  assert.ok(
    has(trace, 'shop-api', /^outbox deliver order\.failed$/),
    JSON.stringify(summary(trace), null, 1),
  );
  assert.ok(has(trace, 'inventory', /^POST \/api\/inventory\/reservations/));
  assert.ok(has(trace, 'payment', /^POST \/api\/payments\/charges$/));
  const printed = printedTrace(problem.traceId!);
  assert.match(
    printed,
    /\[gateway, idp, inventory, notification, payment, shop-api\]|\[gateway, inventory, notification, payment, shop-api\]/,
  );
});

test('a client that sends its own traceparent gets one trace through the gateway into shop-api', async () => {
  const traceId = randomBytes(16).toString('hex');
  // A query no one asked before: the gateway's catalog cache cannot answer it, shop-api must.
  const answer = await fetch(`${shop.gatewayUrl}/api/products?search=${traceId}`, {
    headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
  });
  assert.equal(answer.status, 200);
  await answer.body?.cancel();
  const deadline = Date.now() + 20_000;
  let trace: Trace | undefined;
  while (Date.now() < deadline) {
    [trace] = (await searchTraces(tracesDir, { traceId }, { limit: 1, marginMs: 0 })).traces;
    // Each part flushes every 0.5 s: wait for the gateway's spans and shop-api's.
    if (trace && has(trace, 'shop-api', /^GET \/api\/products$/) && has(trace, 'gateway', /^GET \/api\/\*$/))
      break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(
    trace && has(trace, 'shop-api', /^GET \/api\/products$/),
    JSON.stringify(trace && summary(trace)),
  );
  // One root: the gateway's span, whose parent is the client's own (never recorded here).
  assert.equal(trace.roots.length, 1, JSON.stringify(summary(trace), null, 1));
  assert.equal(trace.roots[0]!.span.service, 'gateway');
});

test('no trace file and no log line holds a token, an authorization code, a state, a nonce, a password or a secret', () => {
  secrets.add('mario123');
  const files = readdirSync(tracesDir).map((name) => join(tracesDir, name));
  assert.ok(files.length >= 5, `trace files: ${files.join(', ')}`);
  const written = [...files.map((file) => readFileSync(file, 'utf8')), shop.logs()].join('\n');
  for (const secret of secrets) {
    assert.ok(secret.length >= 8, 'a short value would match by chance');
    assert.ok(!written.includes(secret), `a secret (${secret.slice(0, 4)}…) reached a trace file or a log`);
  }
});
