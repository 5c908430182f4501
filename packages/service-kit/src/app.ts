import type { RequestListener } from 'node:http';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { trace } from '@opentelemetry/api';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, NotFound } from './errors.ts';
import { createLogger, readableLogs, type Logger } from './logger.ts';
import { sendProblem, toAppError } from './problem.ts';
import { registerHealthRoutes, type HealthState, type ReadinessCheck } from './health.ts';
import { OPEN_OBJECT, openObjects } from './lib/open-objects.ts';
import { rejectNulBytes } from './reject-nul-bytes.ts';
import { validatorsWithoutBodyCoercion } from './body-validation.ts';
import { registerJsonBodyParser } from './json-body-parser.ts';
import { logAccess } from './access-log.ts';
import { recordServerRequest } from './telemetry/http-metrics.ts';
import { tracedServerFactory } from './telemetry/server-spans.ts';
import { answeringEarly, type EarlyAnswerSource } from './early-answers.ts';
import { requestIdOf } from './request-id.ts';
import { closeUnusedConnectionsOnClose } from './unused-connections.ts';

export interface AppOptions {
  name: string;
  config?: { NODE_ENV?: string; LOG_LEVEL?: string };
  /** A ready-made logger (tests pass one writing to a buffer). */
  logger?: Logger;
  readiness?: Record<string, ReadinessCheck>;
  bodyLimit?: number;
  /**
   * Trust X-Forwarded-* from the proxy in front: Fastify's option as is. Prefer a function that
   * trusts only the hops you run (`true` trusts every X-Forwarded-For entry, which the client writes).
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /**
   * Refuse, when a route is added, a body/querystring/params schema with an object that does not
   * say `additionalProperties: false` (or `openObject()`): Ajv would accept unknown fields there.
   */
  strictSchemas?: boolean;
}

/** What createApp adds to the Fastify instance. */
interface KitDecorations {
  health: HealthState;
  /** Adds a source of answers given before Fastify sees a request (early-answers.ts). */
  answerEarly(source: EarlyAnswerSource): void;
}

export type App = FastifyInstance & KitDecorations;

const STRICT_SCHEMAS_BY_DEFAULT = true;

/**
 * Builds a Fastify app with the kit's floor: logging, request ids, body limits, strict schema
 * validation, problem+json errors and health routes. It does not listen: see startServer.
 */
export async function createApp(options: AppOptions) {
  const earlyAnswers: EarlyAnswerSource[] = [];
  const health: HealthState = { shuttingDown: false };
  const logger =
    options.logger ??
    createLogger({
      name: options.name,
      level: options.config?.LOG_LEVEL ?? 'info',
      pretty: readableLogs(options.config?.NODE_ENV),
    });

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 100 * 1024,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    // Server spans come from the listener itself (telemetry/server-spans.ts), which runs the early
    // answers (early-answers.ts) before Fastify.
    serverFactory: (handler, settings) =>
      tracedServerFactory(
        answeringEarly(earlyAnswers, handler as RequestListener, {
          logger,
          shuttingDown: () => health.shuttingDown,
        }),
        settings,
      ),
    // One access line per request (below) instead of Fastify's two, and without the query string,
    // which can carry codes, states or personal data.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => requestIdOf(request.headers),
    ajv: {
      // Unknown fields are an error, never silently dropped (no mass assignment). Coercion applies
      // to query strings, path parameters and headers only (body-validation.ts).
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
      // openObject()'s marker is an annotation for the start-up check; Ajv's strict mode must know it.
      plugins: [(ajv) => ajv.addKeyword({ keyword: OPEN_OBJECT, schemaType: 'boolean' })],
    },
    schemaController: { compilersFactory: { buildValidator: validatorsWithoutBodyCoercion() } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerJsonBodyParser(app as unknown as FastifyInstance);

  if (options.strictSchemas ?? STRICT_SCHEMAS_BY_DEFAULT)
    app.addHook('onRoute', (route) => {
      const open = (['body', 'querystring', 'params'] as const).flatMap((part) =>
        openObjects(route.schema?.[part]).map((pointer) => `${part} ${pointer}`),
      );
      if (open.length > 0)
        throw new Error(
          `Route ${String(route.method)} ${route.url} accepts unknown fields at ${open.join(', ')}: ` +
            'use strictObject() (additionalProperties: false), or openObject() where that is the intent.',
        );
    });

  app.decorate('health', health);
  app.decorate('answerEarly', (source: EarlyAnswerSource) => {
    earlyAnswers.push(source);
  });

  closeUnusedConnectionsOnClose(app as unknown as FastifyInstance);

  // The kit's hooks run on every request of every service: callbacks, not async functions, so
  // none costs a promise and a trip through the microtask queue.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // The server span (telemetry/server-spans.ts) only knows the method; name it after the route
    // template (OpenTelemetry HTTP conventions: "{method} {http.route}"), never the raw URL.
    const route = request.routeOptions.url;
    const span = trace.getActiveSpan();
    if (span && route) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    done();
  });

  // A NUL byte would reach PostgreSQL and fail as a 500: every route refuses it as a 400.
  app.addHook('preValidation', rejectNulBytes);

  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched paths share one series: a scan of random URLs must not create thousands.
    const route = request.routeOptions.url ?? 'unmatched';
    if (!route.startsWith('/health/'))
      recordServerRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    logAccess(request, reply);
    done();
  });

  // While shutting down, a keep-alive connection that just served an in-flight request is closed
  // after the response; otherwise the listener waits for clients to hang up and the shutdown
  // runs into its timeout.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (health.shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    else request.log.info({ code: appError.code, detail: appError.message }, 'request refused');
    return sendProblem(reply, request, appError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new NotFound(`No route for ${request.method} ${request.url.split('?')[0]}`)),
  );

  registerHealthRoutes(app as unknown as FastifyInstance, options.readiness ?? {}, health);
  return app as typeof app & KitDecorations;
}

export { AppError };
