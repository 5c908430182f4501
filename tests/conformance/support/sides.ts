/**
 * The two sides of a conformance run: the embedded idp and the run's shared Keycloak, loaded with
 * one realm representation (the shipped realm files with dev users, merged and substituted once)
 * under one unique realm name, so every URL and claim that names the realm is the same on both.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { startIdp, type Idp } from '@mockmart/idp';
import { keycloakAdmin } from '../../../scripts/lib/keycloak/admin.ts';
import { deleteRealm, realmRepresentation } from '../../../scripts/lib/keycloak/realm-import.ts';
import { generateSecrets, type Secrets } from '@mockmart/devstack';
import { sharedKeycloak, type IdentitySide } from '../../support/identity-providers.ts';

export interface Side {
  name: IdentitySide;
  /** The gateway's origin in the realm (redirect, post-logout and back-channel logout URLs). */
  gateway: string;
  /** Origin the side listens on; it is `<origin>` once normalised. */
  origin: string;
  /** `{origin}/auth`. */
  base: string;
  /** `{base}/realms/{realm}`. */
  realmUrl: string;
  oidc(path: string): string;
}

export interface Sides {
  realm: string;
  /** The logout tokens each side POSTed to the gateway's back-channel logout URL, in order. */
  logoutTokens(side: Side): string[];
  /** The master realm's administrator, the same on both sides. */
  admin: { username: string; password: string };
  secrets: Secrets;
  idp: Side;
  keycloak: Side;
  both: [Side, Side];
  stop(): Promise<void>;
}

/** A cheap scrypt cost so the idp starts at once; the bench measures the production cost. */
const TEST_HASHING = { N: 1024, r: 8, p: 1 };

let started = 0;

export async function startSides(area: string): Promise<Sides> {
  const shared = sharedKeycloak();
  if (!shared) throw new Error('no shared Keycloak in the environment');
  const realm = `conformance-${area}-${process.pid}-${++started}`;
  const secrets = generateSecrets();
  const gateway = await startGatewayStandIn();
  const rep = await realmRepresentation({
    realm,
    secrets,
    gatewayPublicUrl: gateway.url,
    devUsers: true,
    frontendUrl: `${shared.url}/auth`,
  });
  const admin = keycloakAdmin(shared.url, shared.admin);
  await admin.request('POST', '', rep);
  let idp: Idp | undefined;
  try {
    idp = await startIdp({
      port: 0,
      host: '127.0.0.1',
      relativePath: '/auth',
      realms: [structuredClone(rep)],
      passwordHashing: TEST_HASHING,
      // The same operator as the shared Keycloak's, for the Admin REST comparison.
      bootstrapAdmin: shared.admin,
      logger: pino({ level: 'silent' }),
    });
  } catch (error) {
    await deleteRealm(admin, realm);
    await gateway.close();
    throw error;
  }
  const side = (name: IdentitySide, origin: string): Side => {
    const realmUrl = `${origin}/auth/realms/${realm}`;
    return {
      name,
      gateway: gateway.url,
      origin,
      base: `${origin}/auth`,
      realmUrl,
      oidc: (path) => `${realmUrl}/protocol/openid-connect/${path}`,
    };
  };
  const idpSide = side('idp', idp.url);
  const keycloakSide = side('keycloak', shared.url);
  return {
    realm,
    admin: shared.admin,
    secrets,
    idp: idpSide,
    keycloak: keycloakSide,
    both: [idpSide, keycloakSide],
    logoutTokens: (side) =>
      gateway.logoutTokens.filter((token) => String(decodeJwt(token).iss).startsWith(side.origin)),
    async stop() {
      await idp.close();
      await deleteRealm(admin, realm);
      await gateway.close();
    },
  };
}

/** A stand-in for the gateway that records the back-channel logout tokens both sides POST to it. */
async function startGatewayStandIn() {
  const logoutTokens: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (request.method === 'POST' && request.url === '/bff/backchannel-logout' && token) {
        logoutTokens.push(token);
        response.writeHead(200).end();
      } else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logoutTokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
