import { appendFileSync, chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

export interface FileSpanExporterOptions {
  /** The file spans are appended to; rotated files are `<file>.1` (newest) … `<file>.<maxFiles - 1>`. */
  file: string;
  /** Rotate once the file would grow past this many bytes. */
  maxBytes?: number;
  /** Files kept per service, the current one included; older ones are deleted. */
  maxFiles?: number;
}

export const TRACE_FILE_DEFAULTS = { maxBytes: 20 * 1024 * 1024, maxFiles: 5 } as const;

/**
 * Writes spans as JSON lines to a local file, so a developer sees traces cross the services
 * without installing a backend. Appends synchronously: spans arrive in small batches.
 * The files are bounded (rotated by size, a fixed number kept) and private (mode 0600): spans
 * describe users' requests.
 */
export class FileSpanExporter implements SpanExporter {
  readonly #file: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;

  constructor(options: FileSpanExporterOptions) {
    this.#file = options.file;
    this.#maxBytes = options.maxBytes ?? TRACE_FILE_DEFAULTS.maxBytes;
    this.#maxFiles = Math.max(1, options.maxFiles ?? TRACE_FILE_DEFAULTS.maxFiles);
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    // A file left by an older version may be world-readable; the mode below only applies to new files.
    if (existsSync(this.#file)) chmodSync(this.#file, 0o600);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => `${JSON.stringify(toRecord(span))}\n`).join('');
      if (lines) {
        // Stat on each batch rather than counting: replicas of one service share the file.
        if (sizeOf(this.#file) + Buffer.byteLength(lines) > this.#maxBytes) this.#rotate();
        appendFileSync(this.#file, lines, { mode: 0o600 });
      }
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** file → file.1 → file.2 …; what would become file.<maxFiles> is deleted. */
  #rotate(): void {
    if (this.#maxFiles === 1) return rmSync(this.#file, { force: true });
    rmSync(`${this.#file}.${this.#maxFiles - 1}`, { force: true });
    for (let index = this.#maxFiles - 2; index >= 0; index--) {
      const from = index === 0 ? this.#file : `${this.#file}.${index}`;
      if (existsSync(from)) renameSync(from, `${this.#file}.${index + 1}`);
    }
  }

  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
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
