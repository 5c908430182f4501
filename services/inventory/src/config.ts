import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceConfigSchema, keycloakConfigSchema } from '@mockmart/service-kit/config';

/**
 * Inventory's settings. This is the only file of the service that reads `process.env`.
 * Inventory only receives tokens, so it needs no client secret.
 */
export const configSchema = Type.Object({
  ...serviceConfigSchema('inventory', 3011).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_CLIENT_ID: Type.String({
    default: 'inventory-service',
    minLength: 1,
    description:
      "this service's client id: the audience its tokens must carry and the owner of its client roles",
  }),
  RESERVATION_TTL_SECONDS: Type.Integer({
    default: 900,
    minimum: 10,
    maximum: 86_400,
    description: 'how long a hold lasts when the caller gives no ttlSeconds',
  }),
  RESERVATION_SWEEP_INTERVAL_MS: Type.Integer({
    default: 30_000,
    minimum: 100,
    maximum: 3_600_000,
    description: 'how often expired holds are released',
  }),
});

export type Config = Readonly<Static<typeof configSchema>>;

export const loadServiceConfig = (env: Record<string, string | undefined> = process.env): Config =>
  loadConfig(configSchema, env);
