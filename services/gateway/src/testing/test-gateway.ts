import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Database } from '@mockmart/service-kit/db';
import { captureLogs, INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { buildApp, type GatewayDeps } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';

export const TEST_CLIENT_SECRET = randomBytes(24).toString('base64url');
export const TEST_SESSION_KEY = randomBytes(32).toString('base64url');

/** Config for tests: everything on loopback; overrides win. */
export function testEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    KEYCLOAK_CLIENT_SECRET: TEST_CLIENT_SECRET,
    GATEWAY_SESSION_KEY: TEST_SESSION_KEY,
    GATEWAY_PUBLIC_URL: 'http://127.0.0.1:8080',
    KEYCLOAK_PUBLIC_URL: 'http://127.0.0.1:8080',
    KEYCLOAK_INTERNAL_URL: 'http://127.0.0.1:9',
    IDP_URL: 'http://127.0.0.1:9',
    SHOP_API_URL: 'http://127.0.0.1:9',
    UI_DIST_DIR: '/nonexistent-ui-dist',
    DATABASE_URL: INJECTED_DATABASE_URL,
    ...overrides,
  };
}

/** A gateway app on a real database, with its log captured for "nothing secret was logged" checks. */
export async function buildTestGateway(
  db: Database,
  env: Record<string, string>,
  deps: Partial<GatewayDeps> = {},
) {
  const logs = captureLogs('gateway', 'debug');
  const app = await buildApp(loadGatewayConfig(testEnv(env)), { db, logger: logs.logger, ...deps });
  await app.ready();
  return { app, logs };
}

const SIGNING_KEY = randomBytes(32);

/** A JWT-shaped access token; the gateway only decodes it (shop-api verifies), so HS256 is fine here. */
export function fakeAccessToken(
  claims: Record<string, unknown> = {},
  expiresInSeconds = 300,
): Promise<string> {
  return new SignJWT({
    realm_access: { roles: ['user', 'can-checkout'] },
    preferred_username: 'mario',
    ...claims,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'user-mario')
    .setIssuedAt()
    .setExpirationTime(`${expiresInSeconds}s`)
    .sign(SIGNING_KEY);
}

/** Cookie header value from a Set-Cookie list. */
export function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const line of list) {
    const [pair] = line.split(';');
    const [key, ...value] = (pair ?? '').split('=');
    if (key?.trim() === name) return value.join('=');
  }
  return undefined;
}
