import { createServer } from 'node:net';
import { pino } from 'pino';
import { startIdp, type Idp } from '@mockmart/idp';
import type { Database } from '@mockmart/service-kit/db';
import { TEST_CLIENT_SECRET, buildTestGateway } from './test-gateway.ts';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { GatewayDeps } from '../app.ts';

/** The realm as code, exactly as development and production import it, with the dev users. */
const REALM_FILES = ['techstore-realm.json', 'dev-users.json'].map((name) =>
  fileURLToPath(new URL(`../../../../deploy/keycloak/${name}`, import.meta.url)),
);

/** Generated secrets for the other clients of the realm (the gateway's is the test's own). */
function realmSecrets(): Record<string, string> {
  const names = ['SHOP_API', 'INVENTORY', 'PAYMENT', 'NOTIFICATION', 'ORDER_RECONCILER'];
  return Object.fromEntries(
    names.map((name) => [`${name}_CLIENT_SECRET`, randomBytes(24).toString('base64url')]),
  );
}

/** A free loopback port, found at run time (the idp must know the gateway's public origin first). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export interface GatewayWithIdp {
  origin: string;
  idp: Idp;
  gateway: Awaited<ReturnType<typeof buildTestGateway>>;
  /**
   * Another gateway replica on the same database and idp, under the same public origin; not
   * listening (inject only). The caller closes it.
   */
  replica(env?: Record<string, string>): ReturnType<typeof buildTestGateway>;
  close(): Promise<void>;
}

/**
 * The real embedded idp (in-process, cheap password hashing) behind a real gateway listening on
 * 127.0.0.1: the idp's public URL is the gateway's origin, as in development.
 */
export async function startGatewayWithIdp(
  db: Database,
  env: Record<string, string>,
  deps: Partial<GatewayDeps> = {},
): Promise<GatewayWithIdp> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const idp = await startIdp({
    port: 0,
    publicUrl: origin,
    relativePath: '/auth',
    realmFiles: REALM_FILES,
    env: { ...realmSecrets(), GATEWAY_CLIENT_SECRET: TEST_CLIENT_SECRET, GATEWAY_PUBLIC_URL: origin },
    passwordHashing: { N: 2 ** 10, r: 8, p: 1 },
    bootstrapAdmin: { username: 'root', password: 'root-test-password' },
    logger: pino({ level: 'silent' }),
  });
  const gateway = await buildTestGateway(
    db,
    {
      GATEWAY_PUBLIC_URL: origin,
      KEYCLOAK_PUBLIC_URL: origin,
      KEYCLOAK_INTERNAL_URL: idp.url,
      IDP_URL: idp.url,
      ...env,
    },
    deps,
  );
  await gateway.app.listen({ host: '127.0.0.1', port });
  return {
    origin,
    idp,
    gateway,
    replica: (replicaEnv = {}) =>
      buildTestGateway(db, {
        GATEWAY_PUBLIC_URL: origin,
        KEYCLOAK_PUBLIC_URL: origin,
        KEYCLOAK_INTERNAL_URL: idp.url,
        IDP_URL: idp.url,
        ...replicaEnv,
      }),
    async close() {
      await gateway.app.close();
      await idp.close();
    },
  };
}
