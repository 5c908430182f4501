import { metrics, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface CollectedMetrics {
  /**
   * The current value of a metric over the data points whose attributes include `attributes`:
   * a counter's sum, a gauge's value, a histogram's count.
   */
  value(name: string, attributes?: Attributes): Promise<number>;
}

let collected: CollectedMetrics | undefined;

/**
 * Makes an in-memory MeterProvider the global one (once per test process) so a test can read
 * what the code under test counted, as an exporter would see it.
 *
 * @example
 * const metrics = collectMetrics();
 * const before = await metrics.value('shop.checkout.outcomes', { result: 'confirmed' });
 */
export function collectMetrics(): CollectedMetrics {
  if (collected) return collected;
  const reader = new CollectingReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  collected = {
    async value(name, attributes = {}) {
      const { resourceMetrics } = await reader.collect();
      let total = 0;
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as Array<DataPoint<number | Histogram>>)
            if (Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
              total += typeof point.value === 'number' ? point.value : point.value.count;
        }
      return total;
    },
  };
  return collected;
}
