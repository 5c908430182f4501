/**
 * Entry point for `node --import @mockmart/service-kit/telemetry/register`: tracing starts
 * before the service's own modules (and the libraries they instrument) are loaded.
 * It reads the standard OpenTelemetry variables, which belong to the process, not to a service.
 */
import { startTelemetry } from './index.ts';

const serviceName = process.env.OTEL_SERVICE_NAME;
if (serviceName && process.env.OTEL_SDK_DISABLED !== 'true') {
  const telemetry = startTelemetry({
    serviceName,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    tracesDir: process.env.TRACES_DIR || undefined,
  });
  // startServer flushes through this before it exits, so the last requests' spans are kept.
  (globalThis as Record<symbol, unknown>)[Symbol.for('mockmart.telemetry')] = telemetry;
  process.once('beforeExit', () => void telemetry.shutdown());
}
