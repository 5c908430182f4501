import { Type, type Static } from '@sinclair/typebox';
import {
  ConfigError,
  keycloakConfigSchema,
  loadConfig,
  secret,
  serviceConfigSchema,
} from '@mockmart/service-kit/config';

/**
 * shop-api configuration: the only place that reads `process.env`. Parsed once at start-up into a
 * frozen object; every bad variable is reported together (see @mockmart/service-kit/config).
 */
export const configSchema = Type.Object({
  ...serviceConfigSchema('shop-api', 3001).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_CLIENT_ID: Type.String({
    default: 'shop-api',
    description: 'client id of shop-api (audience of user tokens, service account)',
  }),
  KEYCLOAK_CLIENT_SECRET: secret(
    'client secret of shop-api in the realm (service account for inventory/payment/notification)',
  ),
  INVENTORY_URL: Type.String({
    default: 'http://127.0.0.1:3011',
    pattern: '^https?://[^\\s/]+(/.*)?$',
    description: 'base URL of the inventory service',
  }),
  PAYMENT_URL: Type.String({
    default: 'http://127.0.0.1:3010',
    pattern: '^https?://[^\\s/]+(/.*)?$',
    description: 'base URL of the payment service',
  }),
  NOTIFICATION_URL: Type.String({
    default: 'http://127.0.0.1:3009',
    pattern: '^https?://[^\\s/]+(/.*)?$',
    description: 'base URL of the notification service',
  }),
  DOWNSTREAM_TIMEOUT_MS: Type.Integer({
    default: 3000,
    minimum: 50,
    maximum: 60000,
    description: 'per-attempt timeout of a downstream call',
  }),
  INTROSPECTION_CACHE_MS: Type.Integer({
    default: 10000,
    minimum: 0,
    maximum: 60000,
    description:
      "admin writes (refunds, cancellations, stock, products, faults) ask the idp whether the token is still active; an 'active' answer is reused this long, so a logged-out admin's token is refused there at most this much later",
  }),
  CATALOG_STOCK_TIMEOUT_MS: Type.Integer({
    default: 800,
    minimum: 50,
    maximum: 10000,
    description: 'how long the catalog waits for inventory before showing availability "unknown"',
  }),
  CATALOG_STOCK_MAX_AGE_MS: Type.Integer({
    default: 1000,
    minimum: 0,
    maximum: 60000,
    description:
      'the catalog and the carts show availability at most this old (one inventory call serves every reader meanwhile); an admin change, release or reversal made through this replica shows at once',
  }),
  ORDER_HISTORY_CACHE_MB: Type.Integer({
    default: 16,
    minimum: 0,
    maximum: 1024,
    description:
      "recently read order histories kept in memory, up to about this many MB (0: none); every read still asks PostgreSQL whether the user's orders changed, so none is ever out of date",
  }),
  CHECKOUT_DEADLINE_MS: Type.Integer({
    default: 10000,
    minimum: 500,
    maximum: 120000,
    description: 'upper bound for one checkout including retries',
  }),
  RESERVATION_TTL_SECONDS: Type.Integer({
    default: 900,
    minimum: 30,
    maximum: 86400,
    description: 'how long inventory holds stock for an unconfirmed order',
  }),
  RECOVERY_INTERVAL_MS: Type.Integer({
    default: 30000,
    minimum: 100,
    maximum: 3600000,
    description: 'how often the recovery worker looks for stuck orders',
  }),
  RECOVERY_STUCK_AFTER_MS: Type.Integer({
    default: 120000,
    minimum: 1000,
    maximum: 86400000,
    description:
      'an in-flight order older than this is considered stuck; must exceed CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS',
  }),
  OUTBOX_POLL_MS: Type.Integer({
    default: 1000,
    minimum: 20,
    maximum: 60000,
    description: 'outbox dispatcher poll interval',
  }),
  OUTBOX_MAX_ATTEMPTS: Type.Integer({
    default: 12,
    minimum: 1,
    maximum: 1000,
    description: 'delivery attempts before an outbox event is parked as dead',
  }),
});

export type Config = Static<typeof configSchema>;

export function loadServiceConfig(env: Record<string, string | undefined> = process.env): Config {
  const config = loadConfig(configSchema, env) as Config;
  const problems = crossFieldProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Settings that are each valid but wrong together. Recovery and admin cancel treat an in-flight
 * order untouched for RECOVERY_STUCK_AFTER_MS as abandoned; a live checkout may still be working on
 * it until its deadline, plus one downstream timeout for a call begun just before the deadline. A
 * shorter threshold lets recovery settle an order under a running checkout's feet.
 */
function crossFieldProblems(config: Config): string[] {
  const liveFor = config.CHECKOUT_DEADLINE_MS + config.DOWNSTREAM_TIMEOUT_MS;
  if (config.RECOVERY_STUCK_AFTER_MS > liveFor) return [];
  return [
    `RECOVERY_STUCK_AFTER_MS=${config.RECOVERY_STUCK_AFTER_MS} must be greater than CHECKOUT_DEADLINE_MS + DOWNSTREAM_TIMEOUT_MS (${config.CHECKOUT_DEADLINE_MS} + ${config.DOWNSTREAM_TIMEOUT_MS} = ${liveFor}): a checkout still running would be taken over by recovery. Raise it or lower the others.`,
  ];
}
