import { describe, expect, it } from 'vitest';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { Logger } from '../../../src/core/logger.js';
import {
  answerServerRequests,
  settingAt,
} from '../../../src/sources/diagnostics/client-protocol.js';

describe('settingAt (workspace/configuration answers)', () => {
  const settings = {
    python: { analysis: { typeCheckingMode: 'strict' } },
    'rust-analyzer': { check: { command: 'clippy' } },
  };

  it('finds a dotted section, a whole section, or everything', () => {
    expect(settingAt(settings, 'python.analysis.typeCheckingMode')).toBe('strict');
    expect(settingAt(settings, 'rust-analyzer')).toEqual({ check: { command: 'clippy' } });
    expect(settingAt(settings, undefined)).toBe(settings);
  });

  it('answers null for what is not set, without reaching into prototypes', () => {
    expect(settingAt(settings, 'python.missing')).toBeNull();
    expect(settingAt(settings, 'python.analysis.typeCheckingMode.deeper')).toBeNull();
    expect(settingAt(settings, 'constructor')).toBeNull();
    expect(settingAt(settings, 'python.__proto__')).toBeNull();
    expect(settingAt(undefined, 'python')).toBeNull();
  });
});

/** A connection that only records the handlers sidecar installs, by method. */
function recordingConnection() {
  const handlers = new Map<string, (params: unknown) => unknown>();
  const on = (type: string | { method: string }, handler: (params: unknown) => unknown) => {
    handlers.set(typeof type === 'string' ? type : type.method, handler);
    return { dispose() {} };
  };
  const connection = { onRequest: on, onNotification: on } as unknown as ProtocolConnection;
  const call = (method: string, params: unknown) => handlers.get(method)!(params);
  return { connection, call };
}

const silent = { debug() {}, info() {} } as unknown as Logger;

describe('dynamic registration of pull diagnostics', () => {
  function registrations() {
    const { connection, call } = recordingConnection();
    const seen: unknown[] = [];
    answerServerRequests(connection, {
      workspaceFolders: [],
      settings: undefined,
      log: silent,
      onPublishDiagnostics() {},
      onProgress() {},
      onPullDiagnostics: (options) => seen.push(options),
      onDiagnosticRefresh() {},
    });
    const register = (id: string, identifier: string, method = 'textDocument/diagnostic') =>
      call('client/registerCapability', {
        registrations: [
          { id, method, registerOptions: { identifier, interFileDependencies: true } },
        ],
      });
    const unregister = (...ids: string[]) =>
      call('client/unregisterCapability', {
        unregisterations: ids.map((id) => ({ id, method: 'textDocument/diagnostic' })),
      });
    return { seen, register, unregister };
  }

  it('keeps pull on while any registration is active, as pyright registers three and drops two', () => {
    const { seen, register, unregister } = registrations();
    register('1', 'first');
    register('2', 'second');
    register('3', 'third');
    unregister('1', '2');
    expect(seen.map((options) => (options as { identifier?: string })?.identifier)).toEqual([
      'first',
      'second',
      'third',
    ]);
    unregister('3');
    expect(seen.at(-1)).toBeUndefined();
  });

  it('falls back to the newest remaining registration, and ignores other methods and unknown ids', () => {
    const { seen, register, unregister } = registrations();
    register('a', 'older');
    register('b', 'newer');
    register('w', 'watch', 'workspace/didChangeWatchedFiles');
    unregister('nope');
    unregister('b');
    expect(seen.map((options) => (options as { identifier?: string })?.identifier)).toEqual([
      'older',
      'newer',
      'older',
    ]);
  });
});

describe("the ESLint server's own requests", () => {
  it('answers them as its VS Code client does, and logs what they tell', async () => {
    const { connection, call } = recordingConnection();
    const logged: string[] = [];
    const log = { debug() {}, info: (line: string) => logged.push(line) } as unknown as Logger;
    answerServerRequests(connection, {
      workspaceFolders: [],
      settings: undefined,
      log,
      onPublishDiagnostics() {},
      onProgress() {},
      onPullDiagnostics() {},
      onDiagnosticRefresh() {},
    });
    // Unanswered, the server's promise rejects with MethodNotFound and nothing catches it.
    expect(await call('eslint/noLibrary', { source: { uri: 'file:///w/a.js' } })).toEqual({});
    expect(
      await call('eslint/noConfig', { message: 'none found', document: { uri: 'file:///w/a.js' } }),
    ).toEqual({});
    expect(await call('eslint/probeFailed', { textDocument: { uri: 'file:///w/b.js' } })).toEqual(
      {},
    );
    expect(await call('eslint/openDoc', { url: 'https://eslint.org' })).toEqual({});
    expect(logged[0]).toContain('no ESLint library found for file:///w/a.js');
    expect(logged[1]).toContain('none found');
    expect(logged[2]).toContain('file:///w/b.js');
  });
});
