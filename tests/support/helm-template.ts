/**
 * Renders a Helm chart's templates without helm (not installed here, nor in CI), for static
 * checks of what the chart deploys. It understands the subset of Go templates the MockMart chart
 * keeps to — `{{ .Values.x }}`, `$` and `$var` paths, pipelines, `range $key, $value := …`,
 * `if`/`else`/`end`, comments, trim markers, and the functions `quote`, `toJson`, `fromJson`,
 * `upper`, `eq`, `ne`, `not`, `default` and `.Files.Get` — and refuses anything else, so the chart
 * cannot drift outside what this check renders.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

type Value = unknown;
interface Scope {
  dot: Value;
  root: Value;
  vars: Record<string, Value>;
}
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipe: string }
  | { kind: 'if'; pipe: string; then: Node[]; otherwise: Node[] }
  | { kind: 'range'; key?: string; value: string; pipe: string; body: Node[] };

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

function tokenize(source: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(ACTION)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    out.push({ text });
    if (!match[2]!.startsWith('/*')) out.push({ action: match[2]! });
    trimNext = match[3] === '-';
    last = match.index + match[0].length;
  }
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  out.push({ text: rest });
  return out;
}

function buildTree(tokens: ReturnType<typeof tokenize>): Node[] {
  let position = 0;
  function block(): { nodes: Node[]; ended: 'end' | 'else' | 'eof' } {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if ('text' in token) {
        if (token.text) nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const action = token.action;
      if (action === 'end') return { nodes, ended: 'end' };
      if (action === 'else') return { nodes, ended: 'else' };
      const ifMatch = /^if\s+(.+)$/.exec(action);
      if (ifMatch) {
        const then = block();
        const otherwise = then.ended === 'else' ? block() : { nodes: [], ended: 'end' as const };
        nodes.push({ kind: 'if', pipe: ifMatch[1]!, then: then.nodes, otherwise: otherwise.nodes });
        continue;
      }
      const rangeMatch = /^range\s+(?:(\$\w+)\s*,\s*)?(\$\w+)\s*:=\s*(.+)$/.exec(action);
      if (rangeMatch) {
        const body = block();
        nodes.push({
          kind: 'range',
          ...(rangeMatch[1] ? { key: rangeMatch[1] } : {}),
          value: rangeMatch[2]!,
          pipe: rangeMatch[3]!,
          body: body.nodes,
        });
        continue;
      }
      if (/^(define|template|include|with|block|range|tpl)\b/.test(action))
        throw new Error(`template action not supported by the static renderer: {{ ${action} }}`);
      nodes.push({ kind: 'output', pipe: action });
    }
    return { nodes, ended: 'eof' };
  }
  return block().nodes;
}

const truthy = (value: Value): boolean =>
  !(
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );

function lookup(base: Value, path: string[]): Value {
  let current = base;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Value>)[key];
  }
  return current;
}

function splitArgs(command: string): string[] {
  return [...command.matchAll(/"(?:[^"\\]|\\.)*"|[^\s]+/g)].map((match) => match[0]);
}

export function renderChart(chartDir: string, values: Record<string, Value>) {
  const files = {
    Get: (path: string) => readFileSync(join(chartDir, path), 'utf8'),
  };
  const root = {
    Values: values,
    Files: files,
    Chart: parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')),
  };

  const functions: Record<string, (...args: Value[]) => Value> = {
    quote: (value) => JSON.stringify(value === undefined || value === null ? '' : String(value)),
    toJson: (value) => JSON.stringify(value ?? null),
    fromJson: (value) => JSON.parse(String(value)),
    upper: (value) => String(value).toUpperCase(),
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    not: (value) => !truthy(value),
    default: (fallback, value) => (truthy(value) ? value : fallback),
  };

  function argument(token: string, scope: Scope): Value {
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^-?\d+$/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === '.') return scope.dot;
    if (token.startsWith('.')) return lookup(scope.dot, token.slice(1).split('.'));
    if (token.startsWith('$')) {
      const [name, ...path] = token.split('.');
      const base = name === '$' ? scope.root : scope.vars[name!];
      if (base === undefined && name !== '$') throw new Error(`unknown variable ${name}`);
      return lookup(base, path);
    }
    throw new Error(`unsupported template argument: ${token}`);
  }

  function command(text: string, scope: Scope, piped: Value[]): Value {
    const [head, ...rest] = splitArgs(text.trim());
    if (!head) throw new Error('empty template command');
    if (head === '.Files.Get') return files.Get(String(argument(rest[0]!, scope)));
    const fn = functions[head];
    if (fn) return fn(...rest.map((token) => argument(token, scope)), ...piped);
    if (rest.length > 0 || piped.length > 0) throw new Error(`unsupported template function: ${head}`);
    return argument(head, scope);
  }

  function pipeline(text: string, scope: Scope): Value {
    const commands = text.split(/\s\|\s/);
    let result: Value[] = [];
    for (const part of commands) result = [command(part, scope, result)];
    return result[0];
  }

  function render(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'output') {
        const value = pipeline(node.pipe, scope);
        if (value !== null && typeof value === 'object')
          throw new Error(`{{ ${node.pipe} }} is an object: pipe it through toJson`);
        out += value === undefined || value === null ? '' : String(value);
      } else if (node.kind === 'if')
        out += render(truthy(pipeline(node.pipe, scope)) ? node.then : node.otherwise, scope);
      else {
        const collection = pipeline(node.pipe, scope);
        const entries: Array<[Value, Value]> = Array.isArray(collection)
          ? collection.map((item, index) => [index, item])
          : collection && typeof collection === 'object'
            ? Object.keys(collection)
                .sort()
                .map((key) => [key, (collection as Record<string, Value>)[key]])
            : [];
        for (const [key, item] of entries)
          out += render(node.body, {
            dot: item,
            root: scope.root,
            vars: { ...scope.vars, ...(node.key ? { [node.key]: key } : {}), [node.value]: item },
          });
      }
    }
    return out;
  }

  const templatesDir = join(chartDir, 'templates');
  return readdirSync(templatesDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = render(buildTree(tokenize(readFileSync(join(templatesDir, name), 'utf8'))), {
        dot: root,
        root,
        vars: {},
      });
      const documents = parseAllDocuments(text).map((document) => {
        if (document.errors.length > 0)
          throw new Error(`${name} renders to invalid YAML: ${document.errors[0]!.message}\n${text}`);
        return document.toJS() as Record<string, unknown> | null;
      });
      return {
        name,
        text,
        documents: documents.filter((doc): doc is Record<string, unknown> => doc !== null),
      };
    });
}
