import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieSecure, loadGatewayConfig } from './config.ts';
import { INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { testEnv } from './testing/test-gateway.ts';

describe('gateway config', { timeout: 5_000 }, () => {
  test('has development defaults for every URL and accepts GATEWAY_PORT', () => {
    const config = loadGatewayConfig({
      KEYCLOAK_CLIENT_SECRET: 's'.repeat(20),
      GATEWAY_SESSION_KEY: 'k'.repeat(40),
      GATEWAY_PORT: '9090',
      DATABASE_URL: INJECTED_DATABASE_URL,
    });
    assert.equal(config.PORT, 9090);
    assert.equal(config.GATEWAY_PUBLIC_URL, 'http://localhost:8080');
    assert.equal(config.SHOP_API_URL, 'http://127.0.0.1:3001');
    assert.equal(config.IDP_URL, 'http://127.0.0.1:8081');
    assert.equal(config.KEYCLOAK_CLIENT_ID, 'gateway');
    assert.equal(config.KEYCLOAK_RELATIVE_PATH, '/auth');
    assert.equal(cookieSecure(config), false, 'plain-http localhost is the one insecure exception');
  });

  test('refuses to start without the client secret and the session key, naming both and showing neither', () => {
    assert.throws(
      () => loadGatewayConfig({ GATEWAY_SESSION_KEY: 'short' }),
      (error: Error) =>
        /KEYCLOAK_CLIENT_SECRET is required/.test(error.message) &&
        /GATEWAY_SESSION_KEY/.test(error.message) &&
        !error.message.includes('short'),
    );
  });

  test('secure cookies unless the public URL is plain-http loopback', () => {
    assert.equal(cookieSecure({ COOKIE_SECURE: 'auto', GATEWAY_PUBLIC_URL: 'https://shop.example' }), true);
    assert.equal(cookieSecure({ COOKIE_SECURE: 'auto', GATEWAY_PUBLIC_URL: 'http://127.0.0.1:8080' }), false);
    assert.equal(cookieSecure({ COOKIE_SECURE: 'auto', GATEWAY_PUBLIC_URL: 'http://shop.internal' }), true);
    assert.equal(cookieSecure({ COOKIE_SECURE: 'true', GATEWAY_PUBLIC_URL: 'http://localhost:8080' }), true);
  });

  test('production refuses http public URLs and insecure cookies', () => {
    assert.throws(() => loadGatewayConfig(testEnv({ NODE_ENV: 'production' })), /GATEWAY_PUBLIC_URL.*https/s);
    assert.throws(
      () =>
        loadGatewayConfig(
          testEnv({
            NODE_ENV: 'production',
            GATEWAY_PUBLIC_URL: 'https://s.example',
            KEYCLOAK_PUBLIC_URL: 'https://s.example',
            COOKIE_SECURE: 'false',
          }),
        ),
      /COOKIE_SECURE=false is refused/,
    );
  });
});
