import { metrics, type Attributes, type ObservableGauge } from '@opentelemetry/api';

export interface GaugeSpec {
  name: string;
  description: string;
  unit?: string;
}

export type GaugeReading = number | Array<{ value: number; attributes: Attributes }>;

/**
 * Gauges read from the service's own state (a queue's backlog, the age of its oldest row) at
 * collection time, i.e. when Prometheus scrapes or the OTLP reader exports: nothing polls when
 * nobody looks. A failed read (database down) observes nothing, so no wrong zero is exported
 * (the exporters keep the last reading).
 *
 * @example
 * observeGauges('shop-api', { backlog: { name: 'shop.outbox.backlog', description: '…' } },
 *   async () => ({ backlog: await countPending(db) }));
 */
export function observeGauges<K extends string>(
  meterName: string,
  specs: Record<K, GaugeSpec>,
  read: () => Promise<Partial<Record<K, GaugeReading>>>,
): void {
  const meter = metrics.getMeter(meterName);
  const gauges = Object.fromEntries(
    Object.entries<GaugeSpec>(specs).map(([key, spec]) => [
      key,
      meter.createObservableGauge(spec.name, { description: spec.description, unit: spec.unit }),
    ]),
  ) as Record<K, ObservableGauge>;
  meter.addBatchObservableCallback(async (result) => {
    let readings: Partial<Record<K, GaugeReading>>;
    try {
      readings = await read();
    } catch {
      return;
    }
    for (const [key, reading] of Object.entries(readings) as Array<[K, GaugeReading | undefined]>) {
      if (reading === undefined) continue;
      if (typeof reading === 'number') result.observe(gauges[key], reading);
      else for (const { value, attributes } of reading) result.observe(gauges[key], value, attributes);
    }
  }, Object.values<ObservableGauge>(gauges));
}

/** Adds one to a counter, created on first use on the global MeterProvider. */
export function counter(meterName: string, name: string, description: string) {
  let instrument: ReturnType<ReturnType<typeof metrics.getMeter>['createCounter']> | undefined;
  return (attributes: Attributes = {}) => {
    instrument ??= metrics.getMeter(meterName).createCounter(name, { description });
    instrument.add(1, attributes);
  };
}
