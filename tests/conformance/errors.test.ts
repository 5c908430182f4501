/**
 * Refusals: status, `error` and `error_description` (or the error page's message, or the error
 * redirect's parameters) for every refusal the idp documents, the same request on both sides.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { adminOf } from './support/admin.ts';
import { conform } from './support/compare.ts';
import {
  authorizeUrl,
  basic,
  callback,
  CookieJar,
  exchangeCode,
  gatewayAuth,
  getPage,
  loginForCode,
  pkce,
  postForm,
} from './support/http.ts';
import type { Side } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

/** What a browser is shown: a redirect's parameters, or the error page's status and message. */
async function authorizeOutcome(side: Side, params: Record<string, string>) {
  const page = await getPage(authorizeUrl(side, params), new CookieJar());
  if (page.location) {
    const location = new URL(page.location);
    return {
      status: page.status,
      to: location.origin + location.pathname,
      params: Object.fromEntries(location.searchParams),
      fragment: Object.fromEntries(new URLSearchParams(location.hash.slice(1))),
    };
  }
  return { status: page.status, message: pageMessage(page.html), loginForm: Boolean(page.action) };
}

/** The message of Keycloak's error page (and of the idp's): the kc-error-message paragraph. */
export function pageMessage(html: string): string | undefined {
  const match = /class="[^"]*(?:instruction|kc-feedback-text)[^"]*"[^>]*>([^<]*)</.exec(html);
  return match?.[1]?.trim();
}

describeConformance('errors', (sides) => {
  const token = (side: Side, form: Record<string, string> | [string, string][], headers = {}) =>
    postForm(side.oidc('token'), form, headers);
  const shopApi = () => ({ client_id: 'shop-api', client_secret: sides().secrets.SHOP_API_CLIENT_SECRET });

  test('bad client secret', async () => {
    await conform(sides(), 'error bad-secret', (side) =>
      token(side, { grant_type: 'client_credentials', client_id: 'shop-api', client_secret: 'wrong' }),
    );
  });

  test('bad client secret in basic authentication', async () => {
    await conform(sides(), 'error bad-secret-basic', (side) =>
      token(side, { grant_type: 'client_credentials' }, basic('shop-api', 'wrong')),
    );
  });

  test('unknown client', async () => {
    await conform(sides(), 'error unknown-client', (side) =>
      token(side, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
    );
  });

  test('no client at all', async () => {
    await conform(sides(), 'error no-client', (side) => token(side, { grant_type: 'client_credentials' }));
  });

  test('client credentials for a client without a service account', async () => {
    await conform(sides(), 'error no-service-account', (side) =>
      token(side, { grant_type: 'client_credentials' }, gatewayAuth(sides())),
    );
  });

  test('password grant for a client without direct access grants', async () => {
    await conform(sides(), 'error no-direct-access', (side) =>
      token(side, { grant_type: 'password', username: 'mario', password: 'mario123' }, gatewayAuth(sides())),
    );
  });

  test('wrong user password', async () => {
    await conform(sides(), 'error wrong-password', (side) =>
      token(side, {
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'luigi',
        password: 'nope-nope',
      }),
    );
  });

  test('unknown user', async () => {
    await conform(sides(), 'error unknown-user', (side) =>
      token(side, {
        grant_type: 'password',
        client_id: 'techstore-cli',
        username: 'ghost',
        password: 'nope-nope',
      }),
    );
  });

  test('unsupported grant type', async () => {
    await conform(sides(), 'error unsupported-grant', (side) =>
      token(side, { grant_type: 'magic', ...shopApi() }),
    );
  });

  test('missing grant type', async () => {
    await conform(sides(), 'error missing-grant', (side) => token(side, shopApi()));
  });

  test('invalid scope', async () => {
    await conform(sides(), 'error invalid-scope', (side) =>
      token(side, { grant_type: 'client_credentials', scope: 'no-such-scope', ...shopApi() }),
    );
  });

  test('a parameter sent twice', async () => {
    await conform(sides(), 'error duplicated-parameter', (side) =>
      token(side, [
        ['grant_type', 'client_credentials'],
        ['grant_type', 'client_credentials'],
        ['client_id', 'shop-api'],
        ['client_secret', sides().secrets.SHOP_API_CLIENT_SECRET],
      ]),
    );
  });

  test('wrong redirect_uri at the authorization endpoint', async () => {
    await conform(sides(), 'error wrong-redirect-uri', (side) =>
      authorizeOutcome(side, { redirect_uri: 'http://evil.example/cb', ...pkceParams() }),
    );
  });

  test('unknown client at the authorization endpoint', async () => {
    await conform(sides(), 'error authorize-unknown-client', (side) =>
      authorizeOutcome(side, { client_id: 'nobody', ...pkceParams() }),
    );
  });

  test('missing PKCE', async () => {
    await conform(sides(), 'error missing-pkce', (side) => authorizeOutcome(side, {}));
  });

  test('plain PKCE', async () => {
    await conform(sides(), 'error plain-pkce', (side) =>
      authorizeOutcome(side, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
    );
  });

  test('unsupported response type', async () => {
    await conform(sides(), 'error response-type', (side) =>
      authorizeOutcome(side, { response_type: 'token', ...pkceParams() }),
    );
  });

  test('wrong PKCE verifier', async () => {
    await conform(sides(), 'error wrong-verifier', async (side) => {
      const login = await loginForCode(side);
      return exchangeCode(sides(), side, login.code, pkce().verifier);
    });
  });

  test('missing PKCE verifier', async () => {
    await conform(sides(), 'error missing-verifier', async (side) => {
      const login = await loginForCode(side);
      return token(
        side,
        {
          grant_type: 'authorization_code',
          code: login.code,
          redirect_uri: callback(side),
        },
        gatewayAuth(sides()),
      );
    });
  });

  test('code used twice', async () => {
    await conform(sides(), 'error code-reuse', async (side) => {
      const login = await loginForCode(side);
      await exchangeCode(sides(), side, login.code, login.verifier);
      return exchangeCode(sides(), side, login.code, login.verifier);
    });
  });

  test('expired code', async () => {
    // The realm's code lifespan is 1 s on both sides for this case only (set and restored through
    // the Admin REST API, as an operator would). Keycloak counts whole seconds and refuses a code
    // only once its clock is past the expiry second, so 2.1 s after the login it is surely expired.
    const lifespan = async (seconds: number) => {
      for (const side of sides().both)
        await (
          await adminOf(sides(), side)
        ).realms.update({ realm: sides().realm }, { accessCodeLifespan: seconds });
    };
    const kept = (await (await adminOf(sides(), sides().idp)).realms.findOne({ realm: sides().realm }))
      ?.accessCodeLifespan;
    await lifespan(1);
    try {
      const logins = { idp: await loginForCode(sides().idp), keycloak: await loginForCode(sides().keycloak) };
      await sleep(2100);
      const { keycloak } = await conform(sides(), 'error expired-code', (side) =>
        exchangeCode(sides(), side, logins[side.name].code, logins[side.name].verifier),
      );
      // Alike, and refused: the code did expire on Keycloak too.
      assert.deepEqual(keycloak, {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Code not valid' },
      });
    } finally {
      await lifespan(kept ?? 60);
    }
  });

  test('code with another redirect_uri', async () => {
    await conform(sides(), 'error code-redirect-mismatch', async (side) => {
      const login = await loginForCode(side);
      return token(
        side,
        {
          grant_type: 'authorization_code',
          code: login.code,
          redirect_uri: `${side.gateway}/other`,
          code_verifier: login.verifier,
        },
        gatewayAuth(sides()),
      );
    });
  });

  test('garbage code', async () => {
    await conform(sides(), 'error garbage-code', (side) =>
      token(
        side,
        {
          grant_type: 'authorization_code',
          code: 'garbage',
          redirect_uri: callback(side),
        },
        gatewayAuth(sides()),
      ),
    );
  });

  test('refresh after logout', async () => {
    await conform(sides(), 'error refresh-after-logout', async (side) => {
      const login = await loginForCode(side);
      const tokens = (await exchangeCode(sides(), side, login.code, login.verifier)).body as {
        refresh_token: string;
      };
      const logout = await postForm(
        side.oidc('logout'),
        { refresh_token: tokens.refresh_token },
        gatewayAuth(sides()),
      );
      const refreshed = await token(
        side,
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
        gatewayAuth(sides()),
      );
      return { logout, refreshed };
    });
  });

  test('garbage refresh token', async () => {
    await conform(sides(), 'error garbage-refresh', (side) =>
      token(side, { grant_type: 'refresh_token', refresh_token: 'garbage' }, gatewayAuth(sides())),
    );
  });

  test('refresh token of another client', async () => {
    await conform(sides(), 'error refresh-other-client', async (side) => {
      const cli = (
        await token(side, {
          grant_type: 'password',
          client_id: 'techstore-cli',
          username: 'mario',
          password: 'mario123',
        })
      ).body as { refresh_token: string };
      return token(
        side,
        { grant_type: 'refresh_token', refresh_token: cli.refresh_token },
        gatewayAuth(sides()),
      );
    });
  });
});

function pkceParams() {
  return { code_challenge: pkce().challenge, code_challenge_method: 'S256' };
}
