import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { FileSpanExporter, type FileSpanExporterOptions } from './file-exporter.ts';
import { enableServerSpans } from './server-spans.ts';
import { ScrubSpanProcessor } from './scrub-span-processor.ts';

export {
  FileSpanExporter,
  TRACE_FILE_DEFAULTS,
  type FileSpanExporterOptions,
  type SpanRecord,
} from './file-exporter.ts';
export { ScrubSpanProcessor } from './scrub-span-processor.ts';
export { acceptTraceContextFromCookie, activeTraceParent } from './cookie-trace-context.ts';
export { startMetrics, type MetricsOptions, type RunningMetrics } from './metrics.ts';
export { counter, observeGauges, type GaugeReading, type GaugeSpec } from './gauges.ts';
export { recordServerRequest } from './http-metrics.ts';
export { untraceIncomingRequests } from './untraced-requests.ts';
export { tracedRequestListener, tracedServerFactory } from './server-spans.ts';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base endpoint; when absent, spans go to `${tracesDir}/${serviceName}.jsonl`. */
  otlpEndpoint?: string;
  tracesDir?: string;
  /** Size bound of the local trace files (see FileSpanExporter). */
  traceFiles?: Omit<FileSpanExporterOptions, 'file'>;
  exporter?: SpanExporter;
}

/**
 * Starts tracing: W3C trace context on every inbound (server-spans.ts) and outbound (http,
 * fetch/undici) call; the database layer writes its own spans (db/query-spans.ts). Every span
 * passes the kit's redaction policy before any exporter sees it (ScrubSpanProcessor). Must run
 * before the instrumented modules load, which is why services start with
 * `--import @mockmart/service-kit/telemetry/register`.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<{ shutdown(): Promise<void> }> {
  const exporter =
    options.exporter ??
    (options.otlpEndpoint
      ? await otlpTraceExporter(options.otlpEndpoint)
      : new FileSpanExporter({
          ...options.traceFiles,
          file: `${options.tracesDir ?? '.data/traces'}/${options.serviceName}.jsonl`,
        }));

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [
      new ScrubSpanProcessor(),
      new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 }),
    ],
  });
  provider.register();
  enableServerSpans();

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outbound http.request calls only: inbound requests get their spans from the server's
      // own listener (server-spans.ts), at a fraction of the cost.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
    ],
  });

  return { shutdown: () => provider.shutdown() };
}

/**
 * Loaded only when an OTLP endpoint is configured: `npm start` and the tests write trace files, and
 * the two OTLP exporters (this one and the metrics one) are ≈ 2.6 MiB of RSS in every process.
 */
async function otlpTraceExporter(endpoint: string): Promise<SpanExporter> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
}
