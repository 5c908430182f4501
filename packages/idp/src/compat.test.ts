import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadIdpConfig } from './config.ts';
import { IdpError } from './errors.ts';
import { basic, oidcUrl, postForm, SECRETS, startTestIdp } from './testing/index.ts';

/** Behaviour that differs between Keycloak 26 minors, picked from the environment (`npm run idp`). */
const compatFrom = (env: Record<string, string>) => loadIdpConfig(env, '/repo').compat;

async function withIdp<T>(
  env: Record<string, string>,
  run: (idp: Awaited<ReturnType<typeof startTestIdp>>) => Promise<T>,
) {
  const idp = await startTestIdp({ compat: compatFrom(env) });
  try {
    return await run(idp);
  } finally {
    await idp.close();
  }
}

describe('Keycloak-minor compatibility settings', { timeout: 30_000 }, () => {
  for (const [value, status] of [
    [undefined, 400],
    ['400', 400],
    ['401', 401],
  ] as const) {
    test(`IDP_COMPAT_INVALID_GRANT_STATUS=${value ?? '(unset)'}: a wrong password answers ${status}`, async () => {
      const res = await withIdp(value ? { IDP_COMPAT_INVALID_GRANT_STATUS: value } : {}, (idp) =>
        postForm(oidcUrl(idp, 'token'), {
          grant_type: 'password',
          client_id: 'techstore-cli',
          username: 'mario',
          password: 'wrong',
        }),
      );
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'Invalid user credentials' });
    });
  }

  for (const [value, error] of [
    [undefined, 'unauthorized_client'],
    ['invalid_client', 'invalid_client'],
    ['unauthorized_client', 'unauthorized_client'],
  ] as const) {
    test(`IDP_COMPAT_INVALID_CLIENT_ERROR=${value ?? '(unset)'}: a bad client secret answers 401 ${error}`, async () => {
      const res = await withIdp(value ? { IDP_COMPAT_INVALID_CLIENT_ERROR: value } : {}, (idp) =>
        postForm(oidcUrl(idp, 'token'), { grant_type: 'client_credentials' }, basic('shop-api', 'wrong')),
      );
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, {
        error,
        error_description: 'Invalid client or Invalid client credentials',
      });
    });
  }

  for (const [value, activeForOutsider] of [
    [undefined, false],
    ['true', false],
    ['false', true],
  ] as const) {
    test(`IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK=${value ?? '(unset)'}: a caller outside aud sees active ${activeForOutsider}`, async () => {
      await withIdp(value ? { IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK: value } : {}, async (idp) => {
        const token = (
          await postForm(
            oidcUrl(idp, 'token'),
            { grant_type: 'client_credentials', scope: 'inventory-api' },
            basic('shop-api', SECRETS.SHOP_API_CLIENT_SECRET),
          )
        ).body.access_token as string;
        const introspect = (id: string, secret: string) =>
          postForm(oidcUrl(idp, 'token/introspect'), { token }, basic(id, secret));
        const insider = await introspect('inventory-service', SECRETS.INVENTORY_CLIENT_SECRET);
        assert.equal(insider.body.active, true, 'the audience itself always sees it');
        const outsider = await introspect('payment-service', SECRETS.PAYMENT_CLIENT_SECRET);
        assert.equal(outsider.body.active, activeForOutsider);
      });
    });
  }

  test('other values are refused, each variable named', () => {
    assert.throws(
      () =>
        compatFrom({
          IDP_COMPAT_INVALID_GRANT_STATUS: '403',
          IDP_COMPAT_INVALID_CLIENT_ERROR: 'invalid_request',
          IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK: 'yes',
        }),
      (err: unknown) => {
        assert.ok(err instanceof IdpError);
        assert.equal(err.code, 'IDP_CONFIG_INVALID');
        for (const name of [
          'IDP_COMPAT_INVALID_GRANT_STATUS',
          'IDP_COMPAT_INVALID_CLIENT_ERROR',
          'IDP_COMPAT_INTROSPECTION_AUDIENCE_CHECK',
        ])
          assert.match(err.message, new RegExp(name));
        return true;
      },
    );
  });
});
