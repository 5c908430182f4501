/**
 * keycloak-js 26 against the embedded idp and real Keycloak in a real browser: login with the
 * standard flow + PKCE S256, the login-status iframe on, a forced token refresh and RP-initiated
 * logout — the SPA checklist of the article, with keycloak-js unmodified.
 *
 * The fixture SPA is served from its own origin (http://localhost:<port>, same site as the
 * gateway, another origin), so its token requests are cross-origin calls answered by the idp's
 * CORS for the client's web origins. keycloak-js reaches the identity provider through the
 * gateway's `/auth` proxy: the public issuer. The client `keycloak-js-conformance` comes from an
 * extra partial realm file (fixtures/keycloak-js/realm-client.json), never from the shipped realm.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { launchChromium } from '../e2e/support/browser.ts';
import { startFixtureServer, type FixtureServer } from './fixtures/keycloak-js/fixture-server.ts';
import { identityProviders } from '../support/identity-providers.ts';

const CLIENT_ID = 'keycloak-js-conformance';

/** What fixtures/keycloak-js/app.js exposes on window. */
interface Conformance {
  keycloak: {
    token?: string;
    refreshToken?: string;
    idToken?: string;
    tokenParsed?: Record<string, unknown>;
    updateToken(minValidity: number): Promise<boolean>;
    logout(): Promise<void>;
  };
  events: string[];
  /** Messages from the idp's frames: the 3p-cookie probe ("supported") and the login iframe's answers. */
  idpMessages: string[];
  error?: string;
}
declare global {
  interface Window {
    conformance: Conformance;
  }
}

/** Waits until the fixture app left "loading"; a failed init fails with keycloak-js's own error. */
async function appState(page: Page): Promise<string> {
  await page.waitForFunction(() => document.querySelector('output')?.value !== 'loading', undefined, {
    timeout: 15_000,
  });
  const state = await page.locator('#state').textContent();
  if (state !== 'authenticated') {
    const details = await page.evaluate(() => ({
      error: window.conformance.error,
      events: window.conformance.events,
    }));
    throw new Error(`keycloak-js init ended "${state}": ${JSON.stringify(details)}`);
  }
  return state;
}

/** Whether a response may be framed by `origin` (X-Frame-Options cannot name another origin). */
function frameableBy(headers: Headers, origin: string): boolean {
  if (headers.get('x-frame-options')) return false;
  const directive = (headers.get('content-security-policy') ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('frame-ancestors'));
  if (!directive) return true;
  const sources = directive.split(/\s+/).slice(1);
  return sources.includes('*') || sources.includes(origin);
}

for (const provider of identityProviders()) {
  describe(`keycloak-js on ${provider.label}`, { skip: provider.skip, timeout: 600_000 }, () => {
    let fixture: FixtureServer;
    let shop: TestSystem;
    let browser: Browser;

    before(async () => {
      fixture = await startFixtureServer();
      shop = await startTestSystem({
        identity: provider.side,
        extraRealmFiles: ['tests/system/fixtures/keycloak-js/realm-client.json'],
        realmEnv: { KEYCLOAK_JS_FIXTURE_ORIGIN: fixture.origin },
      });
      fixture.configure({
        url: `${shop.gatewayUrl}/auth`,
        realm: shop.realm,
        clientId: CLIENT_ID,
        redirectUri: `${fixture.origin}/`,
      });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await shop?.stop();
      await fixture?.close();
    });

    const authEndpoint = () => `${shop.gatewayUrl}/auth/realms/${shop.realm}/protocol/openid-connect/auth`;

    async function signIn(page: Page, username: string, password: string) {
      await page.waitForURL((url) => url.href.startsWith(authEndpoint()), { timeout: 15_000 });
      await page.fill('#username', username);
      await page.fill('#password', password);
      await page.click('#kc-login');
    }

    const oidc = (path: string) =>
      `${shop.gatewayUrl}/auth/realms/${shop.realm}/protocol/openid-connect/${path}`;

    // The wire facts keycloak-js relies on, checked one by one through the gateway so that a failure
    // names its cause; the browser test below is the end-to-end proof.
    test('the login-status iframe and 3p-cookie pages may be framed by the app; init accepts only its web origin', async () => {
      for (const page of ['login-status-iframe.html', '3p-cookies/step1.html', '3p-cookies/step2.html']) {
        const response = await fetch(oidc(page));
        await response.body?.cancel();
        assert.equal(response.status, 200, page);
        assert.ok(
          frameableBy(response.headers, fixture.origin),
          `${page} refuses to be framed by ${fixture.origin}: x-frame-options=${response.headers.get('x-frame-options')}, ` +
            `content-security-policy=${response.headers.get('content-security-policy')}`,
        );
      }
      const init = (origin: string) =>
        fetch(
          `${oidc('login-status-iframe.html/init')}?${new URLSearchParams({ client_id: CLIENT_ID, origin })}`,
        );
      assert.equal((await init(fixture.origin)).status, 204);
      assert.equal((await init('http://evil.example')).status, 403);
    });

    test("the login page lets its form post redirect to the client's (cross-origin) redirect URI", async () => {
      const query = new URLSearchParams({
        client_id: CLIENT_ID,
        redirect_uri: `${fixture.origin}/`,
        response_type: 'code',
        scope: 'openid',
        state: 's',
        nonce: 'n',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      const response = await fetch(`${oidc('auth')}?${query}`);
      assert.equal(response.status, 200, await response.text());
      // Chrome applies form-action to the redirect that follows the form post, so `form-action 'self'`
      // blocks every client on another origin (Keycloak's login page sends no form-action).
      const formAction = (response.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((part) => part.trim())
        .find((part) => part.startsWith('form-action'));
      assert.ok(
        !formAction || formAction.includes(fixture.origin) || formAction.includes('*'),
        `login page CSP "${formAction}" blocks the redirect to ${fixture.origin}/ after the form post`,
      );
    });

    test("the token endpoint answers CORS for the client's web origins only", async () => {
      const exchange = (origin: string) =>
        fetch(oidc('token'), {
          method: 'POST',
          headers: { origin },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: CLIENT_ID,
            code: 'not-a-code',
            redirect_uri: `${fixture.origin}/`,
            code_verifier: 'x'.repeat(43),
          }),
        });
      const allowed = await exchange(fixture.origin);
      assert.equal(allowed.status, 400, await allowed.text());
      assert.equal(
        allowed.headers.get('access-control-allow-origin'),
        fixture.origin,
        "keycloak-js's code exchange and refresh are cross-origin fetches: without this header the browser hides the answer",
      );
      const foreign = await exchange('http://evil.example');
      await foreign.body?.cancel();
      assert.notEqual(foreign.headers.get('access-control-allow-origin'), 'http://evil.example');
      assert.notEqual(foreign.headers.get('access-control-allow-origin'), '*');
    });

    test(
      'keycloak-js logs in (code + PKCE S256, login iframe on), refreshes and logs out',
      { timeout: 60_000 },
      async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        // Every console error, with the page it came from: the app's own must stay empty (CORS refusals),
        // and on failure they name what the browser blocked (framing, CSP) wherever it happened.
        const consoleErrors: string[] = [];
        page.on('console', (message) => {
          if (message.type() !== 'error') return;
          consoleErrors.push(`${message.location().url.split('?')[0]}: ${message.text()}`);
        });
        const iframeInits: number[] = [];
        page.on('response', (response) => {
          if (response.url().includes('/login-status-iframe.html/init')) iframeInits.push(response.status());
        });
        try {
          await page.goto(`${fixture.origin}/`);
          // login-required: keycloak-js sends the browser to the idp's login page with a PKCE challenge.
          await page.waitForURL((url) => url.href.startsWith(authEndpoint()), { timeout: 15_000 });
          const authorize = new URL(page.url());
          assert.equal(authorize.searchParams.get('client_id'), CLIENT_ID);
          assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
          assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
          assert.equal(authorize.searchParams.get('response_type'), 'code');
          await signIn(page, 'mario', 'mario123');

          assert.equal(await appState(page), 'authenticated');
          const first = await page.evaluate(() => ({
            token: window.conformance.keycloak.token ?? '',
            refreshToken: window.conformance.keycloak.refreshToken ?? '',
            username: window.conformance.keycloak.tokenParsed?.preferred_username,
          }));
          assert.equal(first.username, 'mario');
          const claims = decodeJwt(first.token);
          assert.equal(claims.iss, `${shop.gatewayUrl}/auth/realms/${shop.realm}`);
          assert.equal(claims.azp, CLIENT_ID);
          assert.ok(claims.sid, 'the session id the login iframe compares');

          // The login-status iframe: its init accepted this origin (web origin "+") and it reports the
          // session as unchanged on keycloak-js's 1 s checks.
          await page.waitForFunction(() => window.conformance.idpMessages.includes('unchanged'), undefined, {
            timeout: 10_000,
          });
          assert.deepEqual(iframeInits, [204]);

          // Forced refresh: a new access token and a rotated refresh token.
          const refreshed = await page.evaluate(() => window.conformance.keycloak.updateToken(-1));
          assert.equal(refreshed, true);
          const second = await page.evaluate(() => ({
            token: window.conformance.keycloak.token ?? '',
            refreshToken: window.conformance.keycloak.refreshToken ?? '',
            username: window.conformance.keycloak.tokenParsed?.preferred_username,
            events: window.conformance.events,
            answers: window.conformance.idpMessages,
          }));
          assert.notEqual(second.token, first.token);
          assert.notEqual(second.refreshToken, first.refreshToken);
          assert.equal(second.username, 'mario');
          assert.equal(decodeJwt(second.token).sid, claims.sid, 'same session after the refresh');
          assert.ok(second.events.includes('onAuthRefreshSuccess'), JSON.stringify(second.events));
          assert.ok(!second.events.includes('onAuthLogout'), JSON.stringify(second.events));
          assert.deepEqual(
            [...new Set(second.answers)].sort(),
            ['supported', 'unchanged'],
            'the 3p-cookie probe kept the iframe on, and the iframe never saw a changed session',
          );

          // RP-initiated logout (id_token_hint + post_logout_redirect_uri): back on the app, whose new
          // login-required init must land on the login form again because the SSO session is gone.
          await page.evaluate(() => {
            void window.conformance.keycloak.logout();
          });
          await page.waitForURL((url) => url.href.startsWith(authEndpoint()), { timeout: 15_000 });
          await page.locator('#username').waitFor({ timeout: 5_000 });

          // And the session is gone on the server: the last refresh token is refused.
          const reuse = await fetch(
            `${shop.urls.idp}/auth/realms/${shop.realm}/protocol/openid-connect/token`,
            {
              method: 'POST',
              body: new URLSearchParams({
                grant_type: 'refresh_token',
                client_id: CLIENT_ID,
                refresh_token: second.refreshToken,
              }),
            },
          );
          const reuseBody = (await reuse.json()) as { error?: string };
          assert.equal(reuse.status, 400, JSON.stringify(reuseBody));
          assert.equal(reuseBody.error, 'invalid_grant');
          assert.deepEqual(
            [...pageErrors, ...consoleErrors.filter((line) => line.startsWith(fixture.origin))],
            [],
          );
        } catch (error) {
          // What the browser refused is the useful part of a failure (CSP, framing, CORS).
          throw new Error(
            `${(error as Error).message}\nbrowser errors:\n${[...pageErrors, ...consoleErrors].join('\n') || '(none)'}`,
            { cause: error },
          );
        } finally {
          await context.close();
        }
      },
    );
  });
}
