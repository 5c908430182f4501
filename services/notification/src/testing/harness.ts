import { startServiceHarness, INJECTED_DATABASE_URL } from '@mockmart/service-kit/testing';
import { createAccessTokenVerifier } from '@mockmart/auth';
import { startTestIssuer } from '@mockmart/auth/testing';
import { loadServiceConfig } from '../config.ts';
import { buildApp } from '../app.ts';
import type { Mailer, OutgoingMail } from '../notifications/mailer.ts';

export const CLIENT_ID = 'notification-service';
export const ALL_ROLES = ['notifications:send', 'notifications:read', 'faults:manage'];

/**
 * The notification app on a throwaway database with a local issuer; `shop`: shop-api holding every
 * role. `mailer`: a Mailer or null to override, 'from-config' to let the app build it from SMTP_URL.
 */
export async function startHarness(env: Record<string, string> = {}, mailer?: Mailer | null | 'from-config') {
  // By default mails go to a recording mailer, so tests can count what was actually sent.
  const sent: OutgoingMail[] = [];
  const recording: Mailer = {
    async send(mail) {
      sent.push(mail);
    },
    close() {},
  };
  const config = loadServiceConfig({
    NODE_ENV: 'test',
    DATABASE_URL: INJECTED_DATABASE_URL,
    LOG_LEVEL: 'silent',
    KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
    ...env,
  });
  const harness = await startServiceHarness({
    clientId: CLIENT_ID,
    roles: ALL_ROLES,
    migrationsDir: new URL('../../migrations/', import.meta.url),
    startIssuer: () => startTestIssuer(),
    build: ({ db, issuer }) =>
      buildApp({
        config,
        db,
        verifier: createAccessTokenVerifier({ idp: issuer.idp, audience: CLIENT_ID }),
        ...(mailer === 'from-config' ? {} : { mailer: mailer === undefined ? recording : mailer }),
      }),
  });
  return { ...harness, shop: harness.headers, sent };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
