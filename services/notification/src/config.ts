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
});

export type Config = Readonly<Static<typeof configSchema>>;

export const loadServiceConfig = (env: Record<string, string | undefined> = process.env): Config =>
  loadConfig(configSchema, env);
