/**
 * Token answers per grant: headers, claim sets and their JSON types (ids and times by form, see
 * support/normalise.ts) for code + PKCE, refresh (rotation and reuse), client credentials per
 * service account and scope, and the password grant of the development CLI client.
 */
import { test } from 'node:test';
import { conform } from './support/compare.ts';
import { exchangeCode, gatewayAuth, loginForCode, postForm } from './support/http.ts';
import type { Side, Sides } from './support/sides.ts';
import { describeConformance } from './support/suite.ts';

const SERVICE_ACCOUNTS: [clientId: string, secret: keyof Sides['secrets'], scopes: string[]][] = [
  [
    'shop-api',
    'SHOP_API_CLIENT_SECRET',
    [
      '',
      'inventory-api',
      'payment-api',
      'notification-api',
      'inventory-admin',
      'notification-admin',
      'inventory-faults',
      'payment-faults',
      'notification-faults',
    ],
  ],
  ['inventory-service', 'INVENTORY_CLIENT_SECRET', ['']],
  ['payment-service', 'PAYMENT_CLIENT_SECRET', ['']],
  ['notification-service', 'NOTIFICATION_CLIENT_SECRET', ['']],
  [
    'order-reconciler',
    'ORDER_RECONCILER_CLIENT_SECRET',
    ['', 'inventory-api', 'payment-api', 'inventory-api payment-api'],
  ],
];

const refresh = (sides: Sides, side: Side, token: string) =>
  postForm(side.oidc('token'), { grant_type: 'refresh_token', refresh_token: token }, gatewayAuth(sides));

describeConformance('tokens', (sides) => {
  test('authorization code + PKCE for the gateway', async () => {
    await conform(sides(), 'code-flow', async (side) => {
      const login = await loginForCode(side, 'mario', 'mario123', { scope: 'openid' });
      const redirect = Object.fromEntries(login.location.searchParams);
      return { redirect, token: await exchangeCode(sides(), side, login.code, login.verifier) };
    });
  });

  test('authorization code with offline_access', async () => {
    await conform(sides(), 'code-flow-offline', async (side) => {
      const login = await loginForCode(side, 'luigi', 'luigi123', { scope: 'openid offline_access' });
      return exchangeCode(sides(), side, login.code, login.verifier);
    });
  });

  test('refresh rotates the refresh token; the old one is refused', async () => {
    await conform(sides(), 'refresh', async (side) => {
      const login = await loginForCode(side);
      const first = await exchangeCode(sides(), side, login.code, login.verifier);
      const old = (first.body as { refresh_token: string }).refresh_token;
      const rotated = await refresh(sides(), side, old);
      const reused = await refresh(sides(), side, old);
      return { rotated, reused };
    });
  });

  for (const [clientId, secret, scopes] of SERVICE_ACCOUNTS)
    for (const scope of scopes)
      test(`client credentials: ${clientId} ${scope || '(default scopes)'}`, async () => {
        await conform(sides(), `client-credentials ${clientId} ${scope || '-'}`, async (side) =>
          postForm(side.oidc('token'), {
            grant_type: 'client_credentials',
            client_id: clientId,
            client_secret: sides().secrets[secret],
            ...(scope ? { scope } : {}),
          }),
        );
      });

  for (const [username, scope] of [
    ['mario', 'openid'],
    ['admin', 'openid'],
    ['noemail', 'openid'],
    ['mario', ''],
    ['mario', 'openid offline_access'],
  ] as const)
    test(`password grant for techstore-cli: ${username} ${scope || '(no scope)'}`, async () => {
      await conform(sides(), `password ${username} ${scope || '-'}`, async (side) =>
        postForm(side.oidc('token'), {
          grant_type: 'password',
          client_id: 'techstore-cli',
          username,
          password: `${username}123`,
          ...(scope ? { scope } : {}),
        }),
      );
    });
});
