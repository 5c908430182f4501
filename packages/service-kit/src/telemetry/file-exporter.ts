import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One line per finished span: what `npm run traces` reads to draw request trees locally. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind: number;
  start: number;
  durationMs: number;
  status: 'ok' | 'error' | 'unset';
  attributes: Record<string, unknown>;
}

/**
 * Writes spans as JSON lines to a local file, so a developer sees traces cross the services
 * without installing a backend. Appends synchronously: spans arrive in small batches.
 */
export class FileSpanExporter implements SpanExporter {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
    mkdirSync(dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => JSON.stringify(toRecord(span))).join('\n');
      if (lines) appendFileSync(this.#file, `${lines}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

function toRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    name: span.name,
    kind: span.kind,
    start: hrTimeToMilliseconds(span.startTime),
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 100) / 100,
    status: span.status.code === 2 ? 'error' : span.status.code === 1 ? 'ok' : 'unset',
    attributes: span.attributes,
  };
}
