import type { FastifyReply, FastifyRequest } from 'fastify';
import { createApp, type Logger } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import {
  callerGone,
  createFaultSwitch,
  faultRoutes,
  injectDelay,
  MAX_FAULT_DELAY_MS,
} from '@mockmart/service-kit/faults';
import { openApi } from '@mockmart/service-kit/openapi';
import type { AccessTokenVerifier } from '@mockmart/auth';
import { authPlugin } from '@mockmart/auth/fastify';
import type { Config } from './config.ts';
import { notificationAccess } from './access.ts';
import { NotificationTimeout, RecipientRejected } from './errors.ts';
import { createSmtpMailer, type Mailer } from './notifications/mailer.ts';
import { createMailSender } from './notifications/mail-sender.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { DEFAULT_SLOW_TEMPLATE_MS, NOTIFICATION_FAULT_MODES } from './faults/modes.ts';

export interface NotificationDeps {
  config: Config;
  db: Database;
  verifier: AccessTokenVerifier;
  logger?: Logger;
  /** Overrides the SMTP mailer built from SMTP_URL (tests). */
  mailer?: Mailer | null;
}

/** Builds the notification app (no listening): health, OpenAPI, auth, notifications, faults. */
export async function buildApp({ config, db, verifier, logger, mailer }: NotificationDeps) {
  const app = await createApp({
    name: 'notification',
    config,
    ...(logger ? { logger } : {}),
    readiness: { database: () => db.ping() },
  });
  const smtp =
    mailer !== undefined
      ? mailer
      : config.SMTP_URL
        ? createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM })
        : null;
  const sender = smtp
    ? createMailSender({
        db,
        mailer: smtp,
        log: app.log,
        pollMs: config.MAIL_RETRY_POLL_MS,
        maxAttempts: config.MAIL_MAX_ATTEMPTS,
        baseMs: config.MAIL_RETRY_BASE_MS,
        capMs: config.MAIL_RETRY_CAP_MS,
        claimMs: config.MAIL_CLAIM_MS,
      })
    : null;
  // The sender loop runs only in a listening server (tests that inject drive it themselves) and
  // stops before the transport and the database close.
  app.addHook('onListen', async () => sender?.start());
  app.addHook('onClose', async () => {
    await sender?.stop();
    smtp?.close();
  });

  // In production the switch is disabled: its routes do not exist and it never reads the database.
  const faults = createFaultSwitch({
    db,
    enabled: config.NODE_ENV !== 'production',
    modes: NOTIFICATION_FAULT_MODES,
  });
  const beforeAccept = async (request: FastifyRequest, reply: FastifyReply) => {
    const recipient = (request.body as { recipient?: { userId?: string } } | undefined)?.recipient;
    const fault = await faults.take(['timeout', 'invalid-email'], { userId: recipient?.userId });
    if (fault?.mode === 'invalid-email')
      throw new RecipientRejected('The recipient address was rejected (simulated)');
    if (fault?.mode === 'timeout') {
      // Hang like an unresponsive server: until the caller's deadline or hang-up, bounded by a max.
      const deadline = Number(request.headers['x-request-deadline']);
      const untilDeadline = Number.isFinite(deadline) ? deadline - Date.now() : Number.POSITIVE_INFINITY;
      await injectDelay(
        Math.min(fault.delayMs ?? MAX_FAULT_DELAY_MS, untilDeadline),
        MAX_FAULT_DELAY_MS,
        callerGone(reply),
      );
      throw new NotificationTimeout('Simulated timeout');
    }
  };
  const beforeRender = async (userId: string) => {
    const fault = await faults.take(['slow-template'], { userId });
    if (fault) await injectDelay(fault.delayMs ?? DEFAULT_SLOW_TEMPLATE_MS, MAX_FAULT_DELAY_MS);
  };

  await app.register(openApi, {
    title: 'MockMart notification',
    description:
      'Order mails: accepted once per event id, sent through SMTP when configured, always kept in the mailbox.',
    version: '1.0.0',
  });
  await app.register(authPlugin, { verifier });

  const access = notificationAccess(config.KEYCLOAK_CLIENT_ID);
  await app.register(notificationRoutes, { db, sender, access, beforeAccept, beforeRender });
  await app.register(faultRoutes, {
    faults,
    guard: access.faults,
    actor: (request) => request.principal?.clientId ?? 'unknown',
  });

  return app;
}
