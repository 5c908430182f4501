import { createServer } from 'node:net';
import { pino } from 'pino';
import { startIdp, type Idp } from '@mockmart/idp';
import type { Database } from '@mockmart/service-kit/db';
import { TEST_CLIENT_SECRET, buildTestGateway } from './test-gateway.ts';
import { testRealm } from './test-realm.ts';
import type { GatewayDeps } from '../app.ts';

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
  /** Starts another gateway replica/restart on the same database and port-less (inject only). */
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
    realms: [testRealm(origin, TEST_CLIENT_SECRET)],
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
    async close() {
      await gateway.app.close();
      await idp.close();
    },
  };
}
