import { createLogger, readableLogs, runService } from '@mockmart/service-kit';
import { acceptTraceContextFromCookie, untraceIncomingRequests } from '@mockmart/service-kit/telemetry';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { LOGIN_TRACE_COOKIE } from './login/login-trace.ts';
import { isAnonymousCatalogRead } from './proxy/api-proxy.ts';

const config = loadGatewayConfig();
// A sign-in's requests continue the trace /bff/login started (login/login-trace.ts).
acceptTraceContextFromCookie(LOGIN_TRACE_COOKIE);
// Anonymous catalog reads are mostly answered from the catalog cache: a span each cost as much as
// the answer. They stay in the access log and the request metrics; a caller's traceparent still
// gets them traced (untraced-requests.ts), and a cache miss is traced from shop-api on, where its
// span starts a trace of its own.
untraceIncomingRequests((request) =>
  isAnonymousCatalogRead(request.method, request.url, request.headers.authorization),
);
const logger = createLogger({
  name: 'gateway',
  level: config.LOG_LEVEL,
  pretty: readableLogs(config.NODE_ENV),
});
const { app } = await runService({
  config,
  migrationsDir: new URL('../migrations/', import.meta.url),
  logger,
  build: async ({ db }) => ({ app: await buildApp(config, { db, logger }) }),
});

// Not fatal: the idp may still be starting. A wrong issuer (problem 1) is logged loudly here and
// every login answers 503 until it is fixed.
app.gateway.oidc.discover().then(
  () => logger.info({ issuer: app.gateway.oidc.issuer }, 'identity provider discovered'),
  (error: unknown) =>
    logger.warn(
      {
        issuer: app.gateway.oidc.issuer,
        reason:
          (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error),
      },
      'identity provider not reachable yet',
    ),
);
