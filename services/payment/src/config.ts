import { Type, type Static } from '@sinclair/typebox';
import { loadConfig, serviceConfigSchema, keycloakConfigSchema } from '@mockmart/service-kit/config';

/**
 * Payment's settings. This is the only file of the service that reads `process.env`.
 * Payment only receives tokens, so it needs no client secret.
 */
export const configSchema = Type.Object({
  ...serviceConfigSchema('payment', 3010).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_CLIENT_ID: Type.String({
    default: 'payment-service',
    minLength: 1,
    description:
      "this service's client id: the audience its tokens must carry and the owner of its client roles",
  }),
});

export type Config = Readonly<Static<typeof configSchema>>;

export const loadServiceConfig = (env: Record<string, string | undefined> = process.env): Config =>
  loadConfig(configSchema, env);
