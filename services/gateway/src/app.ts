import { keycloakOptions } from '@mockmart/service-kit/config';
import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { createApp, createLogger, readableLogs, type Logger } from '@mockmart/service-kit';
import type { Database } from '@mockmart/service-kit/db';
import { createAccessTokenVerifier, keycloakEndpoints } from '@mockmart/auth';
import { cookieSecure, type Config } from './config.ts';
import { backchannelRoutes } from './login/backchannel-routes.ts';
import { withQueryFreeRequestLogs } from './lib/log-redaction.ts';
import { loginRoutes } from './login/login-routes.ts';
import { createLogoutTokenVerifier, type LogoutTokenVerifierOptions } from './idp/logout-token.ts';
import { createOidcClient } from './idp/oidc-client.ts';
import { sessionRoutes } from './login/session-routes.ts';
import { apiProxy } from './proxy/api-proxy.ts';
import { idpProxy } from './proxy/idp-proxy.ts';
import { purgeRateLimitWindows, registerRateLimits } from './security/rate-limits.ts';
import { registerSecurityHeaders, securityHeaders } from './security/security-headers.ts';
import { stripForwardingHeaders, stripSpoofableHeaders } from './security/spoofable-headers.ts';
import { createAnonymousAdmission } from './session/anonymous-admission.ts';
import { createSessionContext } from './session/session-context.ts';
import { sessionCookieSettings } from './session/session-cookie.ts';
import { createSessionSealer } from './session/session-crypto.ts';
import { createSessionStore } from './session/session-store.ts';
import { createTokenRefresher } from './session/token-refresh.ts';
import { uiRoutes } from './ui/ui-routes.ts';

export interface GatewayDeps {
  db: Database;
  logger?: Logger;
  /** Outbound fetch to the idp's back channel (discovery, token); tests count calls with it. */
  fetch?: typeof fetch;
  /** The clock for session and token expiry; tests move it forward. */
  now?: () => number;
  /** Tests may pin the logout-token key set. */
  logoutKeys?: LogoutTokenVerifierOptions['keys'];
}

const SESSION_PURGE_EVERY_MS = 10 * 60_000;

/** Builds the gateway (BFF) from config and dependencies; does not listen (see server.ts). */
export async function buildApp(config: Config, deps: GatewayDeps) {
  const now = deps.now ?? Date.now;
  const publicUrl = new URL(config.GATEWAY_PUBLIC_URL);
  const secure = cookieSecure(config);
  const idp = keycloakEndpoints(keycloakOptions(config));
  const internalIssuer = keycloakEndpoints({
    publicUrl: config.KEYCLOAK_INTERNAL_URL ?? config.KEYCLOAK_PUBLIC_URL,
    realm: config.KEYCLOAK_REALM,
    relativePath: config.KEYCLOAK_RELATIVE_PATH,
  }).issuer;

  const logger = withQueryFreeRequestLogs(
    deps.logger ??
      createLogger({
        name: 'gateway',
        level: config.LOG_LEVEL,
        pretty: readableLogs(config.NODE_ENV),
      }),
  );
  const app = await createApp({
    name: 'gateway',
    config,
    logger,
    readiness: { database: () => deps.db.ping() },
    // Trust the one load balancer in front (the socket peer), not `true`: `true` trusts every
    // X-Forwarded-For entry, so request.ip became the leftmost one, which the client writes (the
    // login rate limit per IP dodged, a made-up address forwarded upstream). Trusting only hop 0,
    // request.ip is the address the load balancer appended. (Fastify 5 treats a numeric hop count
    // as "trust nothing", hence the function.)
    trustProxy: config.TRUST_PROXY ? (_address: string, hop: number) => hop === 0 : false,
    bodyLimit: 64 * 1024,
  });

  const oidc = createOidcClient({
    issuer: idp.issuer,
    internalIssuer,
    clientId: config.KEYCLOAK_CLIENT_ID,
    clientSecret: config.KEYCLOAK_CLIENT_SECRET,
    redirectUri: `${publicUrl.origin}/bff/callback`,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const store = createSessionStore({
    db: deps.db,
    sealer: createSessionSealer(config.GATEWAY_SESSION_KEY),
    lifetimes: {
      idleMs: config.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteMs: config.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000,
      anonymousMs: config.SESSION_ANONYMOUS_TIMEOUT_SECONDS * 1000,
      emptyAnonymousMs: config.SESSION_ANONYMOUS_EMPTY_TIMEOUT_SECONDS * 1000,
    },
    now,
    cacheMs: config.SESSION_CACHE_MS,
  });
  const refresher = createTokenRefresher({
    store,
    oidc,
    refreshAheadMs: config.TOKEN_REFRESH_AHEAD_SECONDS * 1000,
    now,
    logger: app.log,
  });
  // Bearer callers of /api are keyed by who they are for the checkout limit, and an answer kept
  // for a token (proxy/token-cache.ts) is served only while that token verifies; shop-api does the
  // authorization (audience, roles), the gateway only needs a verified token.
  const bearerVerifier = createAccessTokenVerifier({
    idp,
    audience: false,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  // Logout tokens are checked against the same JWKS cache as bearer tokens (one key source, one
  // refetch policy); tests may pin their own.
  const verifyLogout = createLogoutTokenVerifier({
    issuer: idp.issuer,
    audience: config.KEYCLOAK_CLIENT_ID,
    keys: deps.logoutKeys ?? bearerVerifier.keys,
  });
  const idpPrefix = config.KEYCLOAK_RELATIVE_PATH;

  // Identity headers are the gateway's to assert: drop client-sent ones before anything runs.
  app.addHook('onRequest', (request, _reply, done) => {
    stripSpoofableHeaders(request.raw.headers);
    if (!config.TRUST_PROXY) stripForwardingHeaders(request.raw.headers);
    done();
  });
  await app.register(cookie);
  registerSecurityHeaders(app as unknown as FastifyInstance, { secure, idpPrefix: idpPrefix || '/auth' });
  await registerRateLimits(app as unknown as FastifyInstance, { db: deps.db, now });
  const sessions = createSessionContext(
    store,
    sessionCookieSettings(config.SESSION_COOKIE_NAME, secure),
    createAnonymousAdmission(app as unknown as FastifyInstance, {
      store,
      perIpPerMinute: config.SESSION_ANONYMOUS_PER_IP_PER_MINUTE,
      max: config.SESSION_ANONYMOUS_MAX,
    }),
  );

  await app.register(async (bff) => {
    await bff.register(formbody, { bodyLimit: 32 * 1024 });
    await loginRoutes(bff, {
      oidc,
      sessions,
      publicUrl,
      shopApiUrl: config.SHOP_API_URL,
      loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
      now,
    });
    await sessionRoutes(bff, { oidc, sessions, refresher, publicUrl });
    await backchannelRoutes(bff, { store, verify: verifyLogout });
  });
  await app.register(async (api) =>
    apiProxy(api, {
      shopApiUrl: config.SHOP_API_URL,
      publicUrl,
      sessions,
      refresher,
      checkoutPerMinute: config.RATE_LIMIT_CHECKOUT_PER_MINUTE,
      verifyBearer: (token) => bearerVerifier.verify(token),
      now,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      earlyAnswers: { add: (source) => app.answerEarly(source), headers: securityHeaders(secure) },
    }),
  );
  // With an empty relative path Keycloak lives on its own origin and is not proxied.
  if (idpPrefix) {
    await app.register(async (auth) =>
      idpProxy(auth, {
        idpUrl: config.IDP_URL,
        prefix: idpPrefix,
        publicUrl,
        sessionCookieName: sessions.cookie.name,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        credentialsPerMinute: config.RATE_LIMIT_CREDENTIALS_PER_MINUTE,
      }),
    );
  }
  await app.register(async (ui) =>
    uiRoutes(ui, {
      distDir: config.UI_DIST_DIR,
      reserved: ['/api', '/bff', '/health', ...(idpPrefix ? [idpPrefix] : [])],
    }),
  );

  const purge = setInterval(() => {
    store.purgeExpired().then(
      (count) => count > 0 && app.log.info({ count }, 'expired sessions purged'),
      (error: unknown) => app.log.warn({ err: error }, 'session purge failed'),
    );
    purgeRateLimitWindows(deps.db, new Date(now() - SESSION_PURGE_EVERY_MS)).catch((error: unknown) =>
      app.log.warn({ err: error }, 'rate-limit purge failed'),
    );
  }, SESSION_PURGE_EVERY_MS);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));

  return Object.assign(app, { gateway: { oidc, store } });
}

export type GatewayApp = Awaited<ReturnType<typeof buildApp>>;
