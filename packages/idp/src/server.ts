import { enableCompileCache, flushCompileCache } from 'node:module';

/**
 * `npm run idp`: the embedded identity provider as a standalone process (env: see README).
 *
 * Start-up time is mostly compiling modules (Fastify and its schema compilers, pino, jose, and our
 * TypeScript after type stripping). Node's on-disk compile cache (NODE_COMPILE_CACHE, else the
 * system temp folder) makes every start after the first skip that work. It must be enabled before
 * anything else loads, hence this small entry and a dynamic import of the real one. The cache is
 * written once the idp is ready (not only at a clean exit), so a killed idp still leaves it.
 */
enableCompileCache();
// Tracing must start before the modules it instruments (Fastify's http server) load. `npm start`
// passes `--import @mockmart/service-kit/telemetry/register`; `npm run idp` does not, so the same
// module is loaded here (under npm start it is already loaded and does not run twice). The idp is
// its own OpenTelemetry service, so its logs carry the trace ids of the requests they belong to.
process.env.OTEL_SERVICE_NAME ??= 'idp';
await import('@mockmart/service-kit/telemetry/register');
await import('./run-standalone.ts'); // settles once the idp listens (top-level await inside)
flushCompileCache();
