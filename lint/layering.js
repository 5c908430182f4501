// The repository's own lint rules: the layering of its parts (packages ← services and apps ←
// scripts, tests and bench) and each part's declared dependencies. typescript-eslint has no rule
// that knows npm workspaces, and the import plugins that do would add a resolver for two checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = dirname(import.meta.dirname);

// Where a file sits: a workspace (packages/x, services/x, apps/x) or a top-level folder, and its
// layer. deploy/ holds the realm as code, data every layer may read, so it sits at the bottom.
const LAYERS = { packages: 0, deploy: 0, services: 1, apps: 1, scripts: 2, tests: 2, bench: 2 };
const WORKSPACE_FOLDERS = new Set(['packages', 'services', 'apps']);

function partOf(file) {
  const [top, name] = relative(ROOT, file).split(sep);
  if (WORKSPACE_FOLDERS.has(top)) return { dir: `${top}/${name}`, layer: LAYERS[top], workspace: true };
  return { dir: top, layer: LAYERS[top] ?? 2, workspace: false };
}

// The workspaces by package name, read once per lint run.
const workspacesByName = new Map();
for (const top of WORKSPACE_FOLDERS) {
  for (const name of readdirNames(join(ROOT, top))) {
    const manifest = join(ROOT, top, name, 'package.json');
    if (existsSync(manifest)) {
      workspacesByName.set(
        JSON.parse(readFileSync(manifest, 'utf8')).name,
        partOf(join(ROOT, top, name, 'x')),
      );
    }
  }
}

function readdirNames(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isBare = (specifier) => !specifier.startsWith('.') && !specifier.startsWith('/');
const isBuiltin = (specifier) =>
  specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

/** Calls check(node, specifier) for every import, re-export and dynamic import with a literal source. */
function onImports(check) {
  const visit = (node) => {
    if (node.source?.type === 'Literal' && typeof node.source.value === 'string')
      check(node, node.source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports stay inside their workspace and never point to a higher layer.' },
    schema: [],
    messages: {
      deep: '{{from}} may not reach into {{to}} by a relative path: import it by its package name ({{name}}).',
      upward:
        '{{from}} may not import {{to}}: dependencies flow one way (packages ← services and apps ← scripts, tests, bench).',
      sideways:
        '{{from}} may not import {{to}}: services and apps talk over HTTP, never through each other’s code.',
    },
  },
  create(context) {
    const from = partOf(context.filename);
    return onImports((node, specifier) => {
      const to = isBare(specifier)
        ? workspacesByName.get(packageName(specifier))
        : partOf(resolve(dirname(context.filename), specifier));
      if (!to || to.dir === from.dir) return;
      const data = { from: from.dir, to: to.dir };
      if (to.layer > from.layer) {
        context.report({ node: node.source, messageId: 'upward', data });
      } else if (to.layer === 1 && from.layer === 1) {
        context.report({ node: node.source, messageId: 'sideways', data });
      } else if (!isBare(specifier) && to.workspace) {
        const name = [...workspacesByName].find(([, part]) => part.dir === to.dir)?.[0] ?? to.dir;
        context.report({ node: node.source, messageId: 'deep', data: { ...data, name } });
      }
    });
  },
};

const manifests = new Map();
function declaredBy(part) {
  const file = join(ROOT, part.workspace ? part.dir : '', 'package.json');
  if (!manifests.has(file)) {
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const names = [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies].flatMap(
      (deps) => Object.keys(deps ?? {}),
    );
    manifests.set(file, { file: relative(ROOT, file), names: new Set([manifest.name, ...names]) });
  }
  return manifests.get(file);
}

const declaredDependencies = {
  meta: {
    type: 'problem',
    docs: { description: 'A package imported is declared in the package.json that governs the file.' },
    schema: [],
    messages: {
      undeclared: '{{name}} is imported but not declared in {{manifest}}.',
    },
  },
  create(context) {
    const part = partOf(context.filename);
    return onImports((node, specifier) => {
      if (!isBare(specifier) || isBuiltin(specifier)) return;
      const name = packageName(specifier);
      const manifest = declaredBy(part);
      if (manifest.names.has(name)) return;
      // `import type` from a package typed by @types/<name> needs only the types declared.
      const typesName = `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
      if (node.importKind === 'type' && manifest.names.has(typesName)) return;
      context.report({ node: node.source, messageId: 'undeclared', data: { name, manifest: manifest.file } });
    });
  },
};

export const mockmartPlugin = {
  meta: { name: 'mockmart' },
  rules: { layering, 'declared-dependencies': declaredDependencies },
};
