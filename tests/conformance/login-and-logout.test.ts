/**
 * The browser side: the login page's form fields and its error messages, and RP-initiated logout
 * with and without id_token_hint and the post_logout_redirect_uri rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conform } from './support/compare.ts';
import {
  authorizeUrl,
  CookieJar,
  exchangeCode,
  gatewayAuth,
  getPage,
  loginForCode,
  pkce,
  postForm,
  submitLogin,
} from './support/http.ts';
import type { Side } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

/** What a client or user relies on in a page: its form's fields and the message it shows. */
export function pageShape(status: number, html: string) {
  const form =
    /<form[^>]*id="kc-form-login"[^]*?<\/form>/.exec(html)?.[0] ?? /<form[^]*?<\/form>/.exec(html)?.[0];
  const fields = form
    ? [...form.matchAll(/<(?:input|button)\b[^>]*\bname="([^"]+)"[^>]*>/g)].map((m) => {
        const type = /\btype="([^"]+)"/.exec(m[0])?.[1] ?? 'text';
        return `${m[1]}:${type}`;
      })
    : [];
  return { status, fields: fields.sort(), message: message(html) };
}

function message(html: string): string | undefined {
  const match =
    /id="input-error(?:-username)?"[^>]*>(?:\s*<[^>]+>)*\s*([^<]+?)\s*</.exec(html) ??
    /class="[^"]*(?:kc-feedback-text|instruction)[^"]*"[^>]*>\s*([^<]*?)\s*</.exec(html) ??
    /<p[^>]*id="kc-page-title"[^>]*>\s*([^<]*?)\s*</.exec(html);
  return match?.[1]?.replaceAll('&#39;', "'") || undefined;
}

async function loginPage(side: Side, jar = new CookieJar()) {
  return getPage(
    authorizeUrl(side, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }),
    jar,
  );
}

const redirectOf = (location: string | undefined) => {
  if (!location) return undefined;
  const url = new URL(location);
  return { to: url.origin + url.pathname, params: Object.fromEntries(url.searchParams) };
};

describeConformance('login page and logout', (sides) => {
  test('the login form', async () => {
    const { keycloak } = await conform(sides(), 'login-page', async (side) => {
      const page = await loginPage(side);
      return pageShape(page.status, page.html);
    });
    // The comparison means something only if the page was read: Keycloak's form has these.
    assert.ok(keycloak.fields.includes('username:text') && keycloak.fields.includes('password:password'));
  });

  for (const [name, username, password] of [
    ['wrong password', 'luigi', 'not-his-password'],
    ['unknown user', 'ghost', 'whatever-it-is'],
    ['empty password', 'luigi', ''],
  ] as const)
    test(`login refused: ${name}`, async () => {
      const { keycloak } = await conform(
        sides(),
        `login-refused ${name.replace(/ /g, '-')}`,
        async (side) => {
          const jar = new CookieJar();
          const page = await loginPage(side, jar);
          const posted = await submitLogin(side, page.action!, jar, username, password);
          return { ...pageShape(posted.status, posted.html), redirect: redirectOf(posted.location) };
        },
      );
      assert.ok(keycloak.message, 'Keycloak shows a message');
    });

  const loggedIn = async (side: Side) => {
    const login = await loginForCode(side);
    const tokens = (await exchangeCode(sides(), side, login.code, login.verifier)).body as {
      id_token: string;
    };
    return { jar: login.jar, idToken: tokens.id_token };
  };
  const logout = async (side: Side, jar: CookieJar, params: Record<string, string>) => {
    const page = await getPage(`${side.oidc('logout')}?${new URLSearchParams(params)}`, jar);
    return { ...pageShape(page.status, page.html), redirect: redirectOf(page.location) };
  };

  test('logout with id_token_hint and a registered post_logout_redirect_uri', async () => {
    await conform(sides(), 'logout hint-and-redirect', async (side) => {
      const { jar, idToken } = await loggedIn(side);
      const out = await logout(side, jar, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${side.gateway}/bff/logged-out`,
        state: 'after-logout',
      });
      return { out, cookies: jar.names() };
    });
  });

  test('logout without id_token_hint asks for confirmation', async () => {
    await conform(sides(), 'logout no-hint', async (side) => {
      const { jar } = await loggedIn(side);
      return logout(side, jar, {});
    });
  });

  test('logout with client_id and post_logout_redirect_uri, no hint', async () => {
    await conform(sides(), 'logout client-id', async (side) => {
      const { jar } = await loggedIn(side);
      return logout(side, jar, {
        client_id: 'gateway',
        post_logout_redirect_uri: `${side.gateway}/bff/logged-out`,
      });
    });
  });

  test('logout refused: unregistered post_logout_redirect_uri', async () => {
    await conform(sides(), 'logout unregistered-redirect', async (side) => {
      const { jar, idToken } = await loggedIn(side);
      return logout(side, jar, { id_token_hint: idToken, post_logout_redirect_uri: 'http://evil.example/' });
    });
  });

  test('logout refused: post_logout_redirect_uri with neither hint nor client_id', async () => {
    await conform(sides(), 'logout redirect-alone', async (side) =>
      logout(side, new CookieJar(), { post_logout_redirect_uri: `${side.gateway}/bff/logged-out` }),
    );
  });

  test('the back-channel logout token POSTed to the gateway', async () => {
    const { keycloak } = await conform(sides(), 'backchannel-logout', async (side) => {
      const login = await loginForCode(side);
      const tokens = (await exchangeCode(sides(), side, login.code, login.verifier)).body as {
        refresh_token: string;
      };
      const before = sides().logoutTokens(side).length;
      const logout = await postForm(
        side.oidc('logout'),
        { refresh_token: tokens.refresh_token },
        gatewayAuth(sides()),
      );
      // Both send it before answering; the wait only covers the request still in flight.
      for (let waited = 0; sides().logoutTokens(side).length === before && waited < 5000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return { logout, logout_token: sides().logoutTokens(side)[before] };
    });
    assert.ok(keycloak.logout_token, 'Keycloak sent a logout token');
  });

  test('logout refused: garbage id_token_hint', async () => {
    await conform(sides(), 'logout garbage-hint', async (side) =>
      logout(side, new CookieJar(), { id_token_hint: 'garbage' }),
    );
  });
});
