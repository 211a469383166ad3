import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayers, findCycles, layerOf, readImportGraph } from '../../scripts/check-layers.js';

/** A graph of a few files: `internal` as given, no packages unless said. */
function graphOf(internal: Record<string, string[]>, external: Record<string, string[]> = {}) {
  return {
    internal: new Map(Object.entries(internal)),
    external: new Map(Object.entries(external)),
  };
}

describe('checkLayers', () => {
  it('accepts imports down the layers and within one', () => {
    const graph = graphOf({
      'src/cli/main.ts': ['src/app/sidecar.ts', 'src/client/index.ts'],
      'src/app/sidecar.ts': ['src/server/manager.ts', 'src/sources/git/index.ts'],
      'src/server/manager.ts': ['src/core/errors.ts', 'src/protocol/index.ts'],
      'src/sources/git/index.ts': ['src/sources/git/git-source.ts', 'src/core/errors.ts'],
      'src/sources/git/git-source.ts': ['src/protocol/index.ts'],
      'src/core/errors.ts': ['src/protocol/index.ts'],
      'src/protocol/index.ts': [],
      'src/client/index.ts': ['src/protocol/index.ts'],
      'src/dashboard/app.js': ['src/client/index.ts', 'src/protocol/index.ts'],
    });
    expect(checkLayers(graph)).toEqual([]);
  });

  it('fails on an upward import, and on server and sources importing each other', () => {
    const graph = graphOf({
      'src/core/errors.ts': ['src/server/manager.ts'],
      'src/server/manager.ts': ['src/sources/git/index.ts'],
      'src/sources/git/index.ts': [],
      'src/protocol/index.ts': ['src/client/index.ts'],
      'src/client/index.ts': [],
    });
    const violations = checkLayers(graph);
    expect(violations.map((v) => [v.kind, ...v.files])).toEqual([
      ['upward', 'src/core/errors.ts', 'src/server/manager.ts'],
      ['upward', 'src/server/manager.ts', 'src/sources/git/index.ts'],
      ['upward', 'src/protocol/index.ts', 'src/client/index.ts'],
    ]);
    expect(violations[0]?.message).toContain('core may import only itself and protocol');
  });

  it('keeps the VS Code extension core free of vscode and of the glue', () => {
    const graph = graphOf(
      {
        'extensions/vscode/src/extension.ts': ['extensions/vscode/src/core/index.ts'],
        'extensions/vscode/src/core/index.ts': [
          'extensions/vscode/src/extension.ts',
          'src/client/index.ts',
          'src/server/discovery.ts',
        ],
        'src/client/index.ts': [],
        'src/server/discovery.ts': [],
      },
      {
        'extensions/vscode/src/extension.ts': ['vscode'],
        'extensions/vscode/src/core/index.ts': ['vscode', 'node:path'],
      },
    );
    expect(checkLayers(graph).map((v) => [v.kind, ...v.files])).toEqual([
      ['upward', 'extensions/vscode/src/core/index.ts', 'extensions/vscode/src/extension.ts'],
      ['external', 'extensions/vscode/src/core/index.ts'],
      ['cycle', 'extensions/vscode/src/core/index.ts', 'extensions/vscode/src/extension.ts'],
    ]);
  });

  it('fails on an import cycle, even inside one layer', () => {
    const graph = graphOf({
      'src/cli/program.ts': ['src/cli/serve.ts'],
      'src/cli/serve.ts': ['src/cli/io.ts', 'src/cli/program.ts'],
      'src/cli/io.ts': [],
    });
    expect(checkLayers(graph)).toEqual([
      {
        kind: 'cycle',
        message: 'import cycle: src/cli/program.ts → src/cli/serve.ts → src/cli/program.ts',
        files: ['src/cli/program.ts', 'src/cli/serve.ts'],
      },
    ]);
  });

  it('keeps Node and packages out of the layers that run in the browser', () => {
    const graph = graphOf(
      {
        'src/protocol/channels.ts': [],
        'src/client/transport.ts': [],
        'src/dashboard/app.js': [],
        'src/server/http.ts': [],
      },
      {
        'src/protocol/channels.ts': ['node:path'],
        'src/client/transport.ts': ['ws', 'node:fs'],
        'src/dashboard/app.js': ['zod'],
        'src/server/http.ts': ['node:http', 'ws'],
      },
    );
    expect(checkLayers(graph).map((v) => [v.kind, v.files[0], v.message])).toEqual([
      ['external', 'src/protocol/channels.ts', expect.stringContaining('"node:path"')],
      ['external', 'src/client/transport.ts', expect.stringContaining('"node:fs"')],
      ['external', 'src/dashboard/app.js', expect.stringContaining('"zod"')],
    ]);
  });

  it('fails on a file in no layer', () => {
    const violations = checkLayers(graphOf({ 'src/helpers/misc.ts': [] }));
    expect(violations.map((v) => [v.kind, ...v.files])).toEqual([
      ['unlayered', 'src/helpers/misc.ts'],
    ]);
  });
});

describe('layerOf', () => {
  it('places each folder, and the package entry point in app', () => {
    expect(layerOf('src/protocol/payloads/git.ts')).toBe('protocol');
    expect(layerOf('src/core/version.ts')).toBe('core');
    expect(layerOf('src/index.ts')).toBe('app');
    expect(layerOf('src/version.ts')).toBeNull();
    expect(layerOf('src/dashboard/views/git.js')).toBe('dashboard');
    expect(layerOf('src/misc.ts')).toBeNull();
    expect(layerOf('extensions/vscode/src/extension.ts')).toBe('vscode');
    expect(layerOf('extensions/vscode/src/core/bridge.ts')).toBe('vscode-core');
  });
});

describe('findCycles', () => {
  it('finds each circle once, a self-import included, and leaves chains alone', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
    ]);
    expect(findCycles(edges)).toEqual([['a', 'b', 'c'], ['f']]);
  });
});

describe('the repository', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));

  it('keeps to the layers', () => {
    const graph = readImportGraph(root);
    expect(graph.internal.get('src/dashboard/views/ai.js')).toContain('src/protocol/index.ts');
    expect(graph.internal.get('extensions/vscode/src/core/discovery.ts')).toContain(
      'src/server/discovery.ts',
    );
    expect(checkLayers(graph).map((v) => v.message)).toEqual([]);
  });
});
