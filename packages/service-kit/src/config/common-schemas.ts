import { Type } from '@sinclair/typebox';

const url = (description: string, example: string) =>
  Type.String({ description: `${description} (e.g. ${example})`, pattern: '^https?://[^\\s/]+(/.*)?$' });

/** Settings every service reads: where it listens, logs, stores data and sends telemetry. */
export function serviceConfigSchema(serviceName: string, defaultPort: number) {
  return Type.Object({
    NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
      default: 'development',
      description: 'development, test or production; production turns on the production refusals',
    }),
    HOST: Type.String({ default: '127.0.0.1', description: 'address to listen on' }),
    PORT: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: defaultPort,
      description: 'TCP port to listen on',
    }),
    LOG_LEVEL: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
      { default: 'info', description: 'pino log level' },
    ),
    DATABASE_URL: Type.String({
      pattern: '^postgres(ql)?://',
      description:
        "PostgreSQL connection URL of this service's database (npm start gives each service one on its embedded server)",
    }),
    DATABASE_POOL_SIZE: Type.Integer({
      default: 5,
      minimum: 1,
      maximum: 100,
      description:
        'PostgreSQL connections of this process; default (2 × cores) + 1 for the 2-core reference machine. Transactions are short and never span a remote call',
    }),
    DATABASE_CONNECT_TIMEOUT_MS: Type.Integer({
      default: 5000,
      minimum: 100,
      maximum: 120000,
      description: 'how long a query waits for a free pooled connection before the request fails with 503',
    }),
    SHUTDOWN_DRAIN_MS: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60000,
        description:
          'on SIGTERM, how long readiness answers 503 while requests are still served, before the listener closes; unset: 5000 in production, 0 otherwise',
      }),
    ),
    OTEL_SERVICE_NAME: Type.String({ default: serviceName, description: 'service name in traces' }),
    OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(url('OTLP/HTTP endpoint for traces', 'http://127.0.0.1:4318')),
  });
}

/** Where the identity provider is: the public URL stamps `iss`, the internal one is what we call. */
export const keycloakConfigSchema = Type.Object({
  KEYCLOAK_PUBLIC_URL: url(
    "public origin of Keycloak, the one in the tokens' iss",
    'https://auth.example.com',
  ),
  KEYCLOAK_INTERNAL_URL: Type.Optional(
    url('origin this service uses to reach Keycloak', 'http://keycloak:8080'),
  ),
  KEYCLOAK_REALM: Type.String({ default: 'techstore', minLength: 1, description: 'realm name' }),
  KEYCLOAK_RELATIVE_PATH: Type.String({
    default: '',
    pattern: '^(/[A-Za-z0-9._~-]+)*$',
    description: "Keycloak's http-relative-path, '' or e.g. /auth",
  }),
});

/**
 * The keycloakConfigSchema fields as the options `keycloakEndpoints()` of @mockmart/auth takes:
 * plain data, so the kit stays free of the auth library and services map the fields in one place.
 */
export function keycloakOptions(config: {
  KEYCLOAK_PUBLIC_URL: string;
  KEYCLOAK_INTERNAL_URL?: string | undefined;
  KEYCLOAK_REALM: string;
  KEYCLOAK_RELATIVE_PATH: string;
}) {
  return {
    publicUrl: config.KEYCLOAK_PUBLIC_URL,
    internalUrl: config.KEYCLOAK_INTERNAL_URL,
    realm: config.KEYCLOAK_REALM,
    relativePath: config.KEYCLOAK_RELATIVE_PATH,
  };
}
