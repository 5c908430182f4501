/**
 * UserInfo, introspection (active and inactive, the KC 26.6.2 audience check, refresh tokens) and
 * revocation, the same token lifecycle on both sides.
 */
import { test } from 'node:test';
import { conform } from './support/compare.ts';
import { answer, basic, bearer, exchangeCode, gatewayAuth, loginForCode, postForm } from './support/http.ts';
import type { Side, Sides } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

async function userTokens(sides: Sides, side: Side): Promise<Tokens> {
  const login = await loginForCode(side);
  return (await exchangeCode(sides, side, login.code, login.verifier)).body as Tokens;
}

async function serviceToken(sides: Sides, side: Side, scope: string): Promise<string> {
  const body = (
    await postForm(side.oidc('token'), {
      grant_type: 'client_credentials',
      client_id: 'shop-api',
      client_secret: sides.secrets.SHOP_API_CLIENT_SECRET,
      scope,
    })
  ).body as { access_token: string };
  return body.access_token;
}

/** UserInfo by GET, with the challenge a refusal carries. */
async function userinfo(side: Side, token?: string) {
  const response = await fetch(side.oidc('userinfo'), { headers: token ? bearer(token) : {} });
  return { ...(await answer(response)), challenge: response.headers.get('www-authenticate') };
}

const introspect = (side: Side, token: string, auth: Record<string, string>, hint?: string) =>
  postForm(side.oidc('token/introspect'), { token, ...(hint ? { token_type_hint: hint } : {}) }, auth);

describeConformance('userinfo, introspection and revocation', (sides) => {
  const asInventory = () => basic('inventory-service', sides().secrets.INVENTORY_CLIENT_SECRET);
  const asPayment = () => basic('payment-service', sides().secrets.PAYMENT_CLIENT_SECRET);

  test('userinfo with GET and POST, and refused', async () => {
    await conform(sides(), 'userinfo', async (side) => {
      const tokens = await userTokens(sides(), side);
      return {
        get: await userinfo(side, tokens.access_token),
        post: await postForm(side.oidc('userinfo'), { access_token: tokens.access_token }),
        none: await userinfo(side),
        garbage: await userinfo(side, 'garbage'),
      };
    });
  });

  test('introspection of a user access token by the gateway and by an outsider', async () => {
    await conform(sides(), 'introspect user', async (side) => {
      const tokens = await userTokens(sides(), side);
      return {
        byGateway: await introspect(side, tokens.access_token, gatewayAuth(sides())),
        byOutsider: await introspect(side, tokens.access_token, asPayment()),
        refresh: await introspect(side, tokens.refresh_token, gatewayAuth(sides()), 'refresh_token'),
        idToken: await introspect(side, tokens.id_token, gatewayAuth(sides())),
      };
    });
  });

  test('introspection of a service token: audience in and out', async () => {
    await conform(sides(), 'introspect service', async (side) => {
      const token = await serviceToken(sides(), side, 'inventory-api');
      return {
        byAudience: await introspect(side, token, asInventory()),
        byOther: await introspect(side, token, asPayment()),
      };
    });
  });

  test('introspection refusals', async () => {
    await conform(sides(), 'introspect refused', async (side) => ({
      garbage: await introspect(side, 'garbage', asInventory()),
      badSecret: await introspect(side, 'garbage', basic('inventory-service', 'wrong')),
      publicClient: await postForm(side.oidc('token/introspect'), {
        token: 'garbage',
        client_id: 'techstore-cli',
      }),
      noToken: await postForm(side.oidc('token/introspect'), {}, asInventory()),
    }));
  });

  test('revocation of a refresh token ends the session for refresh and introspection', async () => {
    await conform(sides(), 'revoke refresh', async (side) => {
      const tokens = await userTokens(sides(), side);
      const revoked = await postForm(
        side.oidc('revoke'),
        { token: tokens.refresh_token, token_type_hint: 'refresh_token' },
        gatewayAuth(sides()),
      );
      return {
        revoked,
        refresh: await postForm(
          side.oidc('token'),
          { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
          gatewayAuth(sides()),
        ),
        introspected: await introspect(side, tokens.access_token, gatewayAuth(sides())),
      };
    });
  });

  test('revocation of an access token', async () => {
    await conform(sides(), 'revoke access', async (side) => {
      const tokens = await userTokens(sides(), side);
      const revoked = await postForm(
        side.oidc('revoke'),
        { token: tokens.access_token },
        gatewayAuth(sides()),
      );
      return {
        revoked,
        introspected: await introspect(side, tokens.access_token, gatewayAuth(sides())),
        userinfo: await userinfo(side, tokens.access_token),
      };
    });
  });

  test('revocation refusals: another client, no token, garbage', async () => {
    await conform(sides(), 'revoke refused', async (side) => {
      const tokens = await userTokens(sides(), side);
      return {
        otherClient: await postForm(side.oidc('revoke'), { token: tokens.refresh_token }, asInventory()),
        noToken: await postForm(side.oidc('revoke'), {}, gatewayAuth(sides())),
        garbage: await postForm(side.oidc('revoke'), { token: 'garbage' }, gatewayAuth(sides())),
        badSecret: await postForm(side.oidc('revoke'), { token: 'garbage' }, basic('gateway', 'wrong')),
      };
    });
  });
});
