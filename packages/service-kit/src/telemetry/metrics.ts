import { metrics } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface MetricsOptions {
  serviceName: string;
  /** OTLP/HTTP base endpoint: metrics are pushed to `<endpoint>/v1/metrics` every `exportIntervalMs`. */
  otlpEndpoint?: string;
  exportIntervalMs?: number;
  /**
   * A Prometheus scrape endpoint (`GET /metrics`) on a port of its own, never a route of the
   * service: the gateway cannot proxy it, and it is only there when a port is configured.
   */
  prometheus?: { host: string; port: number };
  /** Extra readers (tests collect through one). */
  readers?: MetricReader[];
}

export interface RunningMetrics {
  /** The scrape URL when the Prometheus endpoint is on. */
  prometheusUrl?: string;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry metrics SDK and makes it the global MeterProvider, so every
 * `metrics.getMeter()` (the kit's RED metrics, @mockmart/auth's counters, the services' own)
 * records into it. Started after the instrumentations are registered, which keeps them on the
 * no-op meter: the kit records `http.server.request.duration` itself, with the route.
 */
export async function startMetrics(options: MetricsOptions): Promise<RunningMetrics> {
  const readers: MetricReader[] = [...(options.readers ?? [])];
  // The exporters are loaded only when configured (≈ 2 MiB of RSS each): most processes (the
  // tests, `npm start` without OTLP, production without METRICS_PORT) use one or neither.
  if (options.otlpEndpoint) {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/metrics` }),
        exportIntervalMillis: options.exportIntervalMs ?? 15_000,
      }),
    );
  }
  let prometheusUrl: string | undefined;
  if (options.prometheus) {
    const { host, port } = options.prometheus;
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
    const exporter = new PrometheusExporter({
      host,
      port,
      preventServerStart: true,
      // Each series says which service it is from, whoever scrapes it.
      withResourceConstantLabels: /^service\.name$/,
    });
    await exporter.startServer();
    readers.push(exporter as unknown as MetricReader);
    prometheusUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    readers,
  });
  metrics.setGlobalMeterProvider(provider);
  return { prometheusUrl, shutdown: () => provider.shutdown() };
}
