import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import {
  ConfigError,
  keycloakConfigSchema,
  loadConfig,
  secret,
  serviceConfigSchema,
} from '@mockmart/service-kit/config';

const url = (description: string) => Type.String({ description, pattern: '^https?://[^\\s/?#]+/?$' });
const seconds = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 31 * 24 * 3600, default: defaultValue, description });

const DEFAULT_UI_DIST = fileURLToPath(new URL('../../../apps/shop-ui/dist', import.meta.url));

export const configSchema = Type.Object({
  ...serviceConfigSchema('gateway', 8080).properties,
  ...keycloakConfigSchema.properties,
  KEYCLOAK_PUBLIC_URL: url(
    "public origin of the idp, the one in the tokens' iss (e.g. http://localhost:8080)",
  ),
  KEYCLOAK_RELATIVE_PATH: Type.String({
    default: '/auth',
    pattern: '^(/[A-Za-z0-9._~-]+)*$',
    description: "idp http-relative-path, '' or /auth",
  }),
  KEYCLOAK_CLIENT_ID: Type.String({
    default: 'gateway',
    minLength: 1,
    description: 'client id of the gateway (BFF) in the realm',
  }),
  KEYCLOAK_CLIENT_SECRET: secret('client secret of the gateway client in the realm'),
  GATEWAY_PUBLIC_URL: url('origin the browser uses for the gateway (e.g. https://shop.example.com)'),
  SHOP_API_URL: url('where the gateway reaches shop-api (e.g. http://127.0.0.1:3001)'),
  IDP_URL: url('where /auth/* is proxied to: the idp or Keycloak (e.g. http://127.0.0.1:8081)'),
  UI_DIST_DIR: Type.String({
    default: DEFAULT_UI_DIST,
    minLength: 1,
    description: 'folder of the built shop UI (apps/shop-ui/dist)',
  }),
  GATEWAY_SESSION_KEY: secret(
    'key that encrypts session tokens at rest (AES-256-GCM via HKDF); 32+ random characters',
    { minLength: 32 },
  ),
  SESSION_COOKIE_NAME: Type.String({
    default: 'mockmart_session',
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    description: 'session cookie name (prefixed __Host- when secure)',
  }),
  SESSION_IDLE_TIMEOUT_SECONDS: seconds(1800, 'a signed-in session ends after this long without a request'),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds(
    8 * 3600,
    'a signed-in session ends this long after login whatever happens',
  ),
  SESSION_ANONYMOUS_TIMEOUT_SECONDS: seconds(
    7 * 24 * 3600,
    'an anonymous session (cart, pending login) ends after this long idle',
  ),
  SESSION_ANONYMOUS_EMPTY_TIMEOUT_SECONDS: Type.Integer({
    minimum: 600,
    maximum: 31 * 24 * 3600,
    default: 900,
    description:
      'an anonymous session whose cart never held anything (a refused add, a login in progress) ends after this long idle; at least 600, the time a login may take',
  }),
  SESSION_ANONYMOUS_PER_IP_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'new anonymous sessions (cookie-less cart writes, login starts) per client IP per minute',
  }),
  SESSION_ANONYMOUS_MAX: Type.Integer({
    minimum: 1,
    default: 100_000,
    description:
      'live anonymous sessions at most, all replicas together; past it new visitors get 503 GW_ANONYMOUS_SESSIONS_FULL until some expire',
  }),
  SESSION_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 1000,
    description:
      'a replica reuses a session it read for this long (0 = always read); logouts on other replicas show up this much later',
  }),
  TOKEN_REFRESH_AHEAD_SECONDS: Type.Integer({
    minimum: 0,
    maximum: 300,
    default: 30,
    description: 'refresh the access token this long before it expires',
  }),
  COOKIE_SECURE: Type.Union([Type.Literal('auto'), Type.Literal('true'), Type.Literal('false')], {
    default: 'auto',
    description: 'auto = Secure unless GATEWAY_PUBLIC_URL is plain http on localhost/127.0.0.1',
  }),
  RATE_LIMIT_LOGIN_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 30,
    description:
      "GET /bff/login per client IP per minute, counted across all replicas (the IP is the load balancer's entry with TRUST_PROXY)",
  }),
  RATE_LIMIT_CREDENTIALS_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 20,
    description:
      'POSTs to the proxied token endpoint and login form (/auth/realms/*/protocol/openid-connect/token*, /auth/realms/*/login-actions/*) per client IP per minute, whichever user they name',
  }),
  RATE_LIMIT_CHECKOUT_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 10,
    description:
      'POST /api/checkout per user per minute across all replicas, sessions and tokens (per client IP when not signed in)',
  }),
  TRUST_PROXY: Type.Boolean({
    default: false,
    description:
      'trust X-Forwarded-For from one load balancer in front of the gateway (the entry it appended)',
  }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 15_000,
    description: 'timeout of proxied calls',
  }),
});

export type Config = Readonly<Static<typeof configSchema>>;

const DEFAULTS: Record<string, string> = {
  GATEWAY_PUBLIC_URL: 'http://localhost:8080',
  KEYCLOAK_PUBLIC_URL: 'http://localhost:8080',
  SHOP_API_URL: 'http://127.0.0.1:3001',
  IDP_URL: 'http://127.0.0.1:8081',
  KEYCLOAK_INTERNAL_URL: 'http://127.0.0.1:8081',
};

/** The only place the gateway reads the environment. GATEWAY_PORT is accepted as an alias of PORT. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): Config {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(DEFAULTS)) if (!merged[name]) merged[name] = value;
  if (!merged.PORT && merged.GATEWAY_PORT) merged.PORT = merged.GATEWAY_PORT;
  const config = loadConfig(configSchema, merged);
  if (config.NODE_ENV === 'production' && config.COOKIE_SECURE === 'false') {
    throw new ConfigError([
      'COOKIE_SECURE=false is refused in production: the session cookie must be Secure. Remove it or set auto.',
    ]);
  }
  return config;
}

/** Secure cookies everywhere except plain-http loopback development. */
export function cookieSecure(config: Pick<Config, 'COOKIE_SECURE' | 'GATEWAY_PUBLIC_URL'>): boolean {
  if (config.COOKIE_SECURE !== 'auto') return config.COOKIE_SECURE === 'true';
  const url = new URL(config.GATEWAY_PUBLIC_URL);
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return !(url.protocol === 'http:' && loopback);
}

export function publicOrigin(config: Pick<Config, 'GATEWAY_PUBLIC_URL'>): string {
  return new URL(config.GATEWAY_PUBLIC_URL).origin;
}
