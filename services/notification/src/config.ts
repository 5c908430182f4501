import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceConfigSchema, keycloakConfigSchema } from '@mockmart/service-kit/config';

/**
 * Notification's settings. This is the only file of the service that reads `process.env`.
 * Notification only receives tokens, so it needs no client secret.
 */
export const configSchema = Type.Object({
  ...serviceConfigSchema('notification', 3009).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_CLIENT_ID: Type.String({
    default: 'notification-service',
    minLength: 1,
    description:
      "this service's client id: the audience its tokens must carry and the owner of its client roles",
  }),
  // Not marked secret() because secret() cannot be optional yet; prefer an SMTP relay without
  // credentials in the URL (a local relay or a sidecar) until it can.
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description:
        'SMTP server URL for nodemailer, e.g. smtp://127.0.0.1:1025; unset: mails are only kept in the mailbox',
    }),
  ),
  MAIL_FROM: Type.String({
    default: 'TechStore <no-reply@techstore.local>',
    minLength: 3,
    description: 'From address of every mail',
  }),
  MAIL_RETRY_POLL_MS: Type.Integer({
    default: 5000,
    minimum: 20,
    maximum: 600000,
    description: 'how often the mail sender looks for pending mails to (re)send',
  }),
  MAIL_MAX_ATTEMPTS: Type.Integer({
    default: 10,
    minimum: 1,
    maximum: 1000,
    description: 'SMTP attempts (the first included) before a mail that keeps failing is parked as dead',
  }),
  MAIL_RETRY_BASE_MS: Type.Integer({
    default: 2000,
    minimum: 0,
    maximum: 3600000,
    description: 'backoff base between SMTP attempts (full jitter, doubling per attempt)',
  }),
  MAIL_RETRY_CAP_MS: Type.Integer({
    default: 600000,
    minimum: 0,
    maximum: 86400000,
    description: 'longest wait between two SMTP attempts of one mail',
  }),
  MAIL_CLAIM_MS: Type.Integer({
    default: 120000,
    minimum: 1000,
    maximum: 3600000,
    description:
      'how long a mail being sent is hidden from other senders; must outlast one SMTP send (3 × the 10 s mailer timeouts)',
  }),
});

export type Config = Readonly<Static<typeof configSchema>>;

export const loadServiceConfig = (env: Record<string, string | undefined> = process.env): Config =>
  loadConfig(configSchema, env);
