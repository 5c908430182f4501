/**
 * Entry point for `node --import @mockmart/service-kit/telemetry/register`: tracing and metrics
 * start before the service's own modules (and the libraries they instrument) are loaded.
 * It reads the standard OpenTelemetry variables, which belong to the process, not to a service.
 * OTEL_SERVICE_NAME defaults to the entry script's package name (see resolveServiceName).
 */
import { startMetrics, startTelemetry, TRACE_FILE_DEFAULTS } from './index.ts';
import { resolveServiceName } from './service-name.ts';

if (process.env.OTEL_SDK_DISABLED !== 'true') {
  const service = resolveServiceName(process.env, process.argv[1], process.cwd());
  if (service.derived === 'unknown')
    process.stderr.write(
      `telemetry: no OTEL_SERVICE_NAME and no package.json above ${process.argv[1] ?? process.cwd()}; ` +
        `spans are recorded as ${service.name}. Set OTEL_SERVICE_NAME.\n`,
    );
  const tracing = await startTelemetry({
    serviceName: service.name,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    tracesDir: process.env.TRACES_DIR || undefined,
    traceFiles: {
      maxBytes:
        positiveInteger('TRACES_MAX_FILE_MB', TRACE_FILE_DEFAULTS.maxBytes / 1024 / 1024) * 1024 * 1024,
      maxFiles: positiveInteger('TRACES_MAX_FILES', TRACE_FILE_DEFAULTS.maxFiles),
    },
  });
  // METRICS_PORT turns the Prometheus scrape endpoint on (its own port, loopback unless
  // METRICS_HOST says otherwise); npm start sets it for every part, production leaves it off.
  const metricsPort = process.env.METRICS_PORT ? positiveInteger('METRICS_PORT', 0) : undefined;
  const metrics = await startMetrics({
    serviceName: service.name,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    prometheus: metricsPort
      ? { host: process.env.METRICS_HOST || '127.0.0.1', port: metricsPort }
      : undefined,
  });
  const telemetry = {
    shutdown: async () => {
      await Promise.all([tracing.shutdown(), metrics.shutdown()]);
    },
  };
  // startServer flushes through this before it exits, so the last requests' spans are kept.
  (globalThis as Record<symbol, unknown>)[Symbol.for('mockmart.telemetry')] = telemetry;
  process.once('beforeExit', () => void telemetry.shutdown());
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}
