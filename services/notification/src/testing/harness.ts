import { createTestDatabase } from '@mockmart/service-kit/testing';
import { createAccessTokenVerifier } from '@mockmart/auth';
import { startTestIssuer } from '@mockmart/auth/testing';
import { loadServiceConfig, type Config } from '../config.ts';
import { buildApp } from '../app.ts';
import type { Mailer, OutgoingMail } from '../notifications/mailer.ts';

export const CLIENT_ID = 'notification-service';
export const ALL_ROLES = ['notifications:send', 'notifications:read', 'faults:manage'];

/**
 * One notification app in-process on a throwaway database, with a local token issuer: tests call it
 * with `inject` and real signed tokens.
 */
/** `mailer`: a Mailer or null to override, 'from-config' to let the app build it from SMTP_URL. */
export async function startHarness(env: Record<string, string> = {}, mailer?: Mailer | null | 'from-config') {
  // By default mails go to a recording mailer, so tests can count what was actually sent.
  const sent: OutgoingMail[] = [];
  const recording: Mailer = {
    async send(mail) {
      sent.push(mail);
    },
    close() {},
  };
  const issuer = await startTestIssuer();
  const database = await createTestDatabase({ migrationsDir: new URL('../../migrations/', import.meta.url) });
  const config: Config = loadServiceConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
    ...env,
  });
  const verifier = createAccessTokenVerifier({ idp: issuer.idp, audience: CLIENT_ID });
  const app = await buildApp({
    config,
    db: database.db,
    verifier,
    ...(mailer === 'from-config' ? {} : { mailer: mailer === undefined ? recording : mailer }),
  });
  await app.ready();

  /** shop-api's service account with the given notification roles (all of them by default). */
  const serviceToken = (roles: string[] = ALL_ROLES, clientId = 'shop-api') =>
    issuer.serviceToken({ clientId, audience: CLIENT_ID, clientRoles: { [CLIENT_ID]: roles } });
  const shopToken = await serviceToken();
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  return {
    app,
    db: database.db,
    issuer,
    config,
    sent,
    serviceToken,
    shopToken,
    auth,
    /** Headers of shop-api's fully privileged service account. */
    shop: auth(shopToken),
    async close() {
      await app.close();
      await database.drop();
      await issuer.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
