// @ts-check
/**
 * The import-direction check over `src/`: every file belongs to a layer, a layer imports only
 * the layers below it, and no files import each other in a circle:
 *
 *   cli → app → { server, sources } → core → protocol
 *   client → protocol        dashboard → client, protocol        react → client, protocol
 *   cli, app → mcp → { server, client } (the MCP server over a sidecar or a client of one)
 *   integrations → app, mcp, server, sources, core, protocol (framework plugins: app-level)
 *   vscode → vscode-core → { client, protocol, server (its discovery file) }
 *
 * `server` and `sources` never import each other. `protocol`, `client`, `dashboard` and `react`
 * also run in the browser: they may not import Node or packages (the client only `ws`, loaded
 * in Node; the React hooks only `react`). The VS Code extension (`extensions/vscode/src/`) is
 * thin glue (`vscode`) over a core that may not import `vscode`, so it can be tested without
 * the editor.
 *
 * Run by `npm run lint`; `test/scripts/check-layers.test.ts` checks the checker. Usage:
 *   node scripts/check-layers.js [root]     exits 1 and lists the violations, if any
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * @typedef {'protocol' | 'core' | 'server' | 'sources' | 'app' | 'cli' | 'client' | 'dashboard' | 'mcp' | 'react' | 'integrations' | 'vscode' | 'vscode-core'} Layer
 * @typedef {{ from: string, to: string }} Edge
 * @typedef {{ internal: Map<string, string[]>, external: Map<string, string[]> }} ImportGraph
 *   Files (paths relative to the repository, `/`-separated) and what each imports: files of
 *   `src/`, and packages or Node modules.
 * @typedef {{
 *   kind: 'upward' | 'cycle' | 'external' | 'unlayered', message: string, files: string[],
 * }} Violation
 */

/** Which layers each layer may import, besides itself. */
export const ALLOWED_IMPORTS = /** @type {const} */ ({
  protocol: [],
  core: ['protocol'],
  server: ['core', 'protocol'],
  sources: ['core', 'protocol'],
  app: ['mcp', 'server', 'sources', 'core', 'protocol'],
  cli: ['app', 'mcp', 'server', 'sources', 'core', 'protocol', 'client'],
  mcp: ['server', 'client', 'core', 'protocol'],
  client: ['protocol'],
  dashboard: ['client', 'protocol'],
  react: ['client', 'protocol'],
  integrations: ['app', 'mcp', 'server', 'sources', 'core', 'protocol'],
  vscode: ['vscode-core'],
  'vscode-core': ['client', 'server', 'protocol'],
});

/** Packages and Node modules a layer may import; a layer not named here may import any. */
export const ALLOWED_EXTERNAL = /** @type {Partial<Record<Layer, readonly string[]>>} */ ({
  protocol: [],
  client: ['ws'],
  dashboard: [],
  react: ['react'],
  'vscode-core': ['node:fs/promises', 'node:path'],
});

/** The VS Code extension's sources, checked with `src/`. */
const VSCODE_SOURCES = 'extensions/vscode/src';

/**
 * The layer of a file under `src/` or the extension's sources, or null when it is in none.
 * @param {string} file
 * @returns {Layer | null}
 */
export function layerOf(file) {
  if (file.startsWith(`${VSCODE_SOURCES}/`)) {
    return file.startsWith(`${VSCODE_SOURCES}/core/`) ? 'vscode-core' : 'vscode';
  }
  const path = file.replace(/^src\//, '');
  // The package's entry point exports the composition root and what it is made of.
  if (path === 'index.ts') return 'app';
  const folder = /** @type {Layer} */ (path.split('/')[0]);
  return path.includes('/') && Object.hasOwn(ALLOWED_IMPORTS, folder) ? folder : null;
}

/**
 * Every violation in `graph`.
 * @param {ImportGraph} graph
 * @param {{ layerOf?: (file: string) => Layer | null }} [options]
 * @returns {Violation[]}
 */
export function checkLayers(graph, options = {}) {
  const layer = options.layerOf ?? layerOf;
  /** @type {Violation[]} */
  const violations = [];

  for (const [from, targets] of graph.internal) {
    const fromLayer = layer(from);
    if (fromLayer === null) {
      violations.push({
        kind: 'unlayered',
        message: `${from} is in no layer: put it in one of the folders of scripts/check-layers.js`,
        files: [from],
      });
    }
    for (const to of targets) {
      const toLayer = layer(to);
      if (fromLayer && toLayer && !mayImport(fromLayer, toLayer)) {
        violations.push({
          kind: 'upward',
          message: `${from} (${fromLayer}) imports ${to} (${toLayer}); ${fromLayer} may import ${describeAllowed(fromLayer)}`,
          files: [from, to],
        });
      }
    }
  }

  for (const [from, modules] of graph.external) {
    const fromLayer = layer(from);
    const allowed = fromLayer ? ALLOWED_EXTERNAL[fromLayer] : undefined;
    if (!allowed) continue;
    for (const name of modules) {
      if (allowed.includes(name)) continue;
      violations.push({
        kind: 'external',
        message: `${from} (${fromLayer}) imports "${name}"; ${fromLayer} also runs in the browser and may import ${allowed.length > 0 ? allowed.map((n) => `"${n}"`).join(', ') : 'no package or Node module'}`,
        files: [from],
      });
    }
  }

  for (const cycle of findCycles(graph.internal)) {
    violations.push({
      kind: 'cycle',
      message: `import cycle: ${cycle.join(' → ')} → ${cycle[0]}`,
      files: cycle,
    });
  }
  return violations;
}

/**
 * @param {Layer} from
 * @param {Layer} to
 */
function mayImport(from, to) {
  return from === to || /** @type {readonly Layer[]} */ (ALLOWED_IMPORTS[from]).includes(to);
}

function describeAllowed(/** @type {Layer} */ layer) {
  const allowed = ALLOWED_IMPORTS[layer];
  return allowed.length > 0 ? `only itself and ${allowed.join(', ')}` : 'only itself';
}

/**
 * Each set of files that import each other in a circle (Tarjan's strongly connected
 * components), as one path around it.
 * @param {Map<string, string[]>} edges
 * @returns {string[][]}
 */
export function findCycles(edges) {
  /** @type {Map<string, { index: number, low: number }>} */
  const seen = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const cycles = [];
  let counter = 0;

  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const start of edges.keys()) {
    if (seen.has(start)) continue;
    /** @type {{ node: string, next: number }[]} */
    const work = [{ node: start, next: 0 }];
    seen.set(start, { index: counter, low: counter++ });
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = /** @type {{ node: string, next: number }} */ (work.at(-1));
      const targets = edges.get(frame.node) ?? [];
      const state = /** @type {{ index: number, low: number }} */ (seen.get(frame.node));
      if (frame.next < targets.length) {
        const to = /** @type {string} */ (targets[frame.next++]);
        const target = seen.get(to);
        if (!target) {
          seen.set(to, { index: counter, low: counter++ });
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          state.low = Math.min(state.low, target.index);
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) {
        const parentState = /** @type {{ index: number, low: number }} */ (seen.get(parent.node));
        parentState.low = Math.min(parentState.low, state.low);
      }
      if (state.low !== state.index) continue;
      /** @type {string[]} */
      const component = [];
      let member;
      do {
        member = /** @type {string} */ (stack.pop());
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfImport = edges.get(frame.node)?.includes(frame.node);
      if (component.length > 1 || selfImport) cycles.push(pathAround(component, edges));
    }
  }
  return cycles;
}

/** A shortest circle through the component's first file (by name), to show where it turns. */
function pathAround(/** @type {string[]} */ component, /** @type {Map<string, string[]>} */ edges) {
  const members = new Set(component);
  const first = [...members].sort()[0] ?? '';
  // Breadth-first from `first` back to itself, inside the component.
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  const queue = [first];
  while (queue.length > 0) {
    const node = /** @type {string} */ (queue.shift());
    for (const to of edges.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === first) {
        const path = [node];
        while (path[0] !== first) path.unshift(/** @type {string} */ (cameFrom.get(path[0] ?? '')));
        return path;
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [first];
}

/**
 * Reads the imports of every `.ts` and `.js` file under `root/src`: static imports and
 * re-exports, `import()` (in code or in JSDoc types), type-only imports included. The
 * dashboard's `/lib/…` (the built `src/`, as the page loads it) counts as `src/…`.
 * @param {string} root The repository.
 * @returns {ImportGraph}
 */
export function readImportGraph(root) {
  /** @type {ImportGraph} */
  const graph = { internal: new Map(), external: new Map() };
  const extension = join(root, VSCODE_SOURCES);
  const sources = [
    ...listSources(join(root, 'src')),
    ...(existsSync(extension) ? listSources(extension) : []),
  ];
  for (const path of sources) {
    const file = toPosix(relative(root, path));
    const text = readFileSync(path, 'utf8');
    const specifiers = new Set([
      ...ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName),
      // JSDoc types: `@type {import('/lib/protocol/index.js').GitStatus}`.
      ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1] ?? ''),
    ]);
    /** @type {string[]} */
    const internal = [];
    /** @type {string[]} */
    const external = [];
    for (const specifier of specifiers) {
      const target = resolveSpecifier(root, path, specifier);
      if (target === null)
        external.push(specifier.startsWith('node:') ? specifier : packageOf(specifier));
      else internal.push(target);
    }
    graph.internal.set(file, [...new Set(internal)].sort());
    graph.external.set(file, [...new Set(external)].sort());
  }
  return graph;
}

/** Files under `dir`, sorted. */
function listSources(/** @type {string} */ dir) {
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSources(path));
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/**
 * The repository-relative file an import names, or null for a package or Node module.
 * @param {string} root
 * @param {string} importer absolute path
 * @param {string} specifier
 */
function resolveSpecifier(root, importer, specifier) {
  let target;
  if (specifier.startsWith('/lib/')) target = join(root, 'src', specifier.slice('/lib/'.length));
  else if (specifier.startsWith('.')) target = resolve(dirname(importer), specifier);
  else return null;
  // Sources import each other by their built name: `./x.js` is `./x.ts`.
  const candidates = [target.replace(/\.js$/, '.ts'), target];
  const found = candidates.find((candidate) => existsSync(candidate)) ?? target;
  return toPosix(relative(root, found));
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(/** @type {string} */ specifier) {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

const toPosix = (/** @type {string} */ path) => path.split(sep).join('/');

/** Prints the violations and exits 1 when there are any. */
function main() {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const graph = readImportGraph(root);
  const violations = checkLayers(graph);
  if (violations.length === 0) {
    console.log(`layers: ${graph.internal.size} files, no violation`);
    return;
  }
  for (const violation of violations) console.error(`${violation.kind}: ${violation.message}`);
  console.error(
    `layers: ${violations.length} violation(s); the rule and its reasons are at the top of scripts/check-layers.js`,
  );
  process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
