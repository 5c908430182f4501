/**
 * Renders the contract tables of CONTRIBUTING.md from the endpoints' schemas, so the prose can
 * never drift from what the providers validate. `scripts/contract-tables.ts` writes them;
 * tests/contract-tables.test.ts fails when the file and the schemas differ.
 */
import type { TSchema } from '@sinclair/typebox';
import { inventoryEndpoints } from './inventory.ts';
import { notificationEndpoints } from './notification.ts';
import { paymentEndpoints } from './payment.ts';
import type { Answer, Endpoint } from './lib/endpoint.ts';

export type { Answer, Endpoint };

/** The tables, by the name of their marker in the document. */
export const CONTRACT_SECTIONS: Readonly<Record<string, readonly Endpoint[]>> = {
  inventory: inventoryEndpoints,
  payment: paymentEndpoints,
  notification: notificationEndpoints,
};

/**
 * A schema as a compact shape: `{ orderId, items: [{ productId, quantity }], ttlSeconds? }`. A
 * schema with a `title` (a shape several answers share, like `charge`) is named by it inside
 * other shapes, and spelled out once under the table (see `definitionsOf`).
 */
export function shapeOf(schema: TSchema, named = false): string {
  if (named && typeof schema.title === 'string') return schema.title;
  if (schema.const !== undefined) return JSON.stringify(schema.const).replaceAll('"', "'");
  if (Array.isArray(schema.anyOf))
    return (schema.anyOf as TSchema[]).map((s) => shapeOf(s, true)).join(' | ');
  if (schema.type === 'array') return `[${shapeOf(schema.items as TSchema, true)}]`;
  if (schema.type === 'object' && schema.properties) {
    const required = new Set<string>((schema.required as string[] | undefined) ?? []);
    const fields = Object.entries(schema.properties as Record<string, TSchema>).map(([name, field]) => {
      const label = required.has(name) ? name : `${name}?`;
      if (isPlain(field)) return label;
      const shape = shapeOf(field, true);
      return shape === name ? label : `${label}: ${shape}`;
    });
    return `{ ${fields.join(', ')} }`;
  }
  return typeof schema.type === 'string' ? schema.type : 'unknown';
}

/** Scalars and nullable scalars are named only; objects, arrays and literal sets are spelled out. */
function isPlain(schema: TSchema): boolean {
  if (typeof schema.title === 'string') return false;
  if (schema.const !== undefined || schema.type === 'object' || schema.type === 'array') return false;
  if (Array.isArray(schema.anyOf))
    return (schema.anyOf as TSchema[]).every((s) => s.const === undefined && isPlain(s));
  return true;
}

/** Every titled schema reachable from these, in the order first met. */
function titled(schema: TSchema | undefined, found: Map<string, TSchema>): void {
  if (!schema) return;
  if (typeof schema.title === 'string' && !found.has(schema.title)) found.set(schema.title, schema);
  for (const child of [
    ...((schema.anyOf as TSchema[] | undefined) ?? []),
    ...(schema.items ? [schema.items as TSchema] : []),
    ...Object.values((schema.properties as Record<string, TSchema> | undefined) ?? {}),
  ])
    titled(child, found);
}

/** The shared shapes the table names, one line each. */
function definitionsOf(endpoints: readonly Endpoint[]): string[] {
  const found = new Map<string, TSchema>();
  for (const e of endpoints)
    for (const s of [e.query, e.body, ...e.answers.map((a) => a.body)]) titled(s, found);
  return [...found].map(([title, schema]) => `- \`${title}\`: \`${shapeOf(schema)}\``);
}

function requestCell(endpoint: Endpoint): string {
  const query = endpoint.query?.properties
    ? `?${Object.keys(endpoint.query.properties as object)
        .map((k) => `${k}=`)
        .join('&')}`
    : '';
  const parts = [`\`${endpoint.method} ${endpoint.path}${query}\``];
  for (const header of endpoint.headers ?? []) parts.push(`+ \`${header}\` header`);
  if (endpoint.body) parts.push(`\`${shapeOf(endpoint.body, true)}\``);
  return parts.join(' ');
}

function answerText(answer: Answer): string {
  const head = answer.code ? `${answer.status} \`${answer.code}\`` : `${answer.status}`;
  const body = answer.body ? ` ${answer.code ? 'with ' : ''}\`${shapeOf(answer.body, true)}\`` : '';
  return `${head}${body}${answer.when ? ` (${answer.when})` : ''}`;
}

function meaningCell(endpoint: Endpoint): string {
  return [...endpoint.answers.map(answerText), ...(endpoint.notes ? [endpoint.notes] : [])].join('; ');
}

/** GitHub tables split cells on `|`, even inside code spans. */
const cell = (text: string) => text.replaceAll('|', '\\|');

export function renderTable(endpoints: readonly Endpoint[]): string {
  const rows = endpoints.map(
    (e) => `| ${cell(requestCell(e))} | \`${cell(e.role)}\` | ${cell(meaningCell(e))} |`,
  );
  const definitions = definitionsOf(endpoints);
  const table = ['| method & path | role | answers |', '|---|---|---|', ...rows].join('\n');
  return definitions.length > 0 ? `${table}\n\n${definitions.join('\n')}` : table;
}

const marker = (name: string, edge: 'start' | 'end') => `<!-- contract-table:${name}:${edge} -->`;

/**
 * The document with every section's table rendered between its markers
 * (`<!-- contract-table:inventory:start -->` … `<!-- contract-table:inventory:end -->`).
 * Throws when a section's markers are missing: a table nobody renders would drift unseen.
 */
export function withContractTables(
  document: string,
  sections: Readonly<Record<string, readonly Endpoint[]>> = CONTRACT_SECTIONS,
): string {
  let out = document;
  for (const [name, endpoints] of Object.entries(sections)) {
    const start = out.indexOf(marker(name, 'start'));
    const end = out.indexOf(marker(name, 'end'));
    if (start < 0 || end < start) throw new Error(`the markers of the "${name}" contract table are missing`);
    const before = out.slice(0, start + marker(name, 'start').length);
    out = `${before}\n${renderTable(endpoints)}\n${out.slice(end)}`;
  }
  return out;
}
