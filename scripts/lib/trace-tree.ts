/**
 * Pure logic behind `npm run traces`: spans (the JSON lines the kit's FileSpanExporter writes)
 * grouped into traces and drawn as indented trees. No I/O here, so it is tested on plain data.
 */
import type { SpanRecord } from '@mockmart/service-kit/telemetry';

export interface SpanNode {
  span: SpanRecord;
  children: SpanNode[];
  /** Its parent is not among the recorded spans (not exported yet, or another system's span). */
  orphan: boolean;
}

export interface Trace {
  traceId: string;
  start: number;
  durationMs: number;
  spanCount: number;
  services: string[];
  roots: SpanNode[];
}

const byStart = (a: SpanNode, b: SpanNode) => a.span.start - b.span.start;

/** Groups spans by traceId; each trace's roots are the spans without a recorded parent. */
export function buildTraces(spans: readonly SpanRecord[]): Trace[] {
  const groups = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    const group = groups.get(span.traceId) ?? [];
    group.push(span);
    groups.set(span.traceId, group);
  }
  return [...groups].map(([traceId, group]) => {
    const nodes = new Map<string, SpanNode>();
    for (const span of group) nodes.set(span.spanId, { span, children: [], orphan: false });
    const roots: SpanNode[] = [];
    for (const node of nodes.values()) {
      const parentId = node.span.parentSpanId;
      const parent = parentId ? nodes.get(parentId) : undefined;
      if (parent && parent !== node) parent.children.push(node);
      else {
        node.orphan = parentId !== undefined && parentId !== '';
        roots.push(node);
      }
    }
    for (const node of nodes.values()) node.children.sort(byStart);
    roots.sort(byStart);
    // A loop, not Math.min(...spans): spreading a large trace overflows the call stack.
    let start = Infinity;
    let end = -Infinity;
    for (const span of group) {
      start = Math.min(start, span.start);
      end = Math.max(end, span.start + span.durationMs);
    }
    return {
      traceId,
      start,
      durationMs: Math.round((end - start) * 100) / 100,
      spanCount: group.length,
      services: [...new Set(group.map((span) => span.service))].sort(),
      roots,
    };
  });
}

/** "GET /api/cart" for server spans named after their route; the path is added when the name lacks it. */
export function operationOf(span: SpanRecord): string {
  if (span.name.includes('/')) return span.name;
  const path =
    span.attributes['url.path'] ?? span.attributes['http.target'] ?? urlPath(span.attributes['url.full']);
  return typeof path === 'string' && path ? `${span.name} ${path}` : span.name;
}

function urlPath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return `${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

export function isFailure(span: SpanRecord): boolean {
  const status = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  return span.status === 'error' || (typeof status === 'number' && status >= 500);
}

/** The trace as text: a header line, then one line per span, indented under its parent. */
export function renderTrace(trace: Trace): string {
  const lines = [
    `trace ${trace.traceId}  ${new Date(trace.start).toISOString()}  ${trace.durationMs} ms  ` +
      `${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}  [${trace.services.join(', ')}]`,
  ];
  const walk = (node: SpanNode, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const { span } = node;
    lines.push(
      `${prefix}${branch}${isFailure(span) ? '✖' : '✔'} ${span.service}  ${operationOf(span)}  ` +
        `${span.durationMs} ms${node.orphan ? '  (parent not recorded)' : ''}`,
    );
    const childPrefix = top ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    node.children.forEach((child, index) =>
      walk(child, childPrefix, index === node.children.length - 1, false),
    );
  };
  for (const root of trace.roots) walk(root, '  ', true, true);
  return lines.join('\n');
}
