import { describe, expect, it } from 'vitest';
import { normalizeOptions, OptionsError, parseSettings } from '../../src/app/options.js';

describe('options', () => {
  it('fills the documented defaults and generates a token', () => {
    const options = normalizeOptions({});
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 3001,
      strictPort: false,
      auth: true,
      heartbeatMs: 30_000,
      history: 1000,
      rateLimit: 100,
      rateBurst: 200,
      maxPayload: 1024 * 1024,
      highWaterMark: 8 * 1024 * 1024,
    });
    expect(options.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('refuses --no-auth on a non-loopback address', () => {
    expect(() => normalizeOptions({ auth: false, host: '0.0.0.0' })).toThrow(
      /auth off \(--no-auth\) is refused/,
    );
    expect(normalizeOptions({ auth: false }).token).toBeNull();
  });

  it('names the bad setting the way the user gave it', () => {
    const asFlag = (key: string) => `--${key}`;
    expect(() => parseSettings({ port: '70000' }, asFlag)).toThrow(
      'invalid --port: expected a whole number from 0 to 65535 (got "70000")',
    );
    expect(() => parseSettings({ prot: 1 }, asFlag)).toThrow('unknown option --prot');
    expect(() => parseSettings({ logLevel: 'loud' }, asFlag)).toThrow(
      /--logLevel: expected one of/,
    );
    expect(() => normalizeOptions({ root: '/definitely/not/here' })).toThrow(OptionsError);
  });

  it('never echoes a token in an error', () => {
    expect(() => parseSettings({ token: 'short-secret' }, (k) => k)).toThrow(
      /^invalid token: must be at least 16 characters$/,
    );
  });

  it('coerces numbers given as strings', () => {
    expect(parseSettings({ port: '0', history: '5' }, (k) => k)).toEqual({ port: 0, history: 5 });
    expect(parseSettings({ rateLimit: '2.5' }, (k) => k)).toEqual({ rateLimit: 2.5 });
  });

  const NUMERIC_SETTINGS = [
    'port',
    'heartbeatMs',
    'history',
    'rateLimit',
    'rateBurst',
    'maxPayload',
    'highWaterMark',
    'maxOpenFiles',
  ];
  it.each(['', ' ', ' 2000', '1e3', '0x10', 'Infinity', '-2000'])(
    'refuses %j as a number for every numeric setting, naming it',
    (text) => {
      for (const key of NUMERIC_SETTINGS) {
        expect(() => parseSettings({ [key]: text }, (k) => `--${k}`)).toThrow(
          new RegExp(`^invalid --${key}: expected a (whole )?number from`),
        );
      }
    },
  );

  it('takes only numbers as numbers in the config file: not true, null or a list', () => {
    for (const value of [true, null, [], [3001]]) {
      expect(() => parseSettings({ port: value }, (k) => k)).toThrow(/^invalid port: expected/);
    }
  });

  it('refuses a deeply nested value with one short line, naming the setting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const asKey = (key: string) => `"${key}" in sidecar.config.json`;
    expect(() => parseSettings({ port: deep }, asKey)).toThrow(
      /^invalid "port" in sidecar.config.json: nested more than 32 levels deep$/,
    );
    const lsp = [{ name: 'x', command: 'x', extensions: ['.x'], initializationOptions: deep }];
    expect(() => normalizeOptions({ lsp })).toThrow(/^invalid option "lsp": nested more than 32/);
  });

  it('shows a bad value cut to a short preview', () => {
    const error = (() => {
      try {
        parseSettings({ host: 'h', port: 'x'.repeat(100_000) }, (k) => k);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^invalid port: expected a whole number .* \(got "x+…\)$/);
    expect(error!.message.length).toBeLessThan(150);
  });

  it('takes a search section, naming a bad nested setting', () => {
    const asKey = (key: string) => `"${key}"`;
    expect(
      normalizeOptions({ search: { ripgrepPath: '/opt/rg', maxResults: 500 } }).search,
    ).toEqual({
      ripgrepPath: '/opt/rg',
      maxResults: 500,
    });
    expect(normalizeOptions({}).search).toEqual({});
    expect(() => parseSettings({ search: { maxResults: 0 } }, asKey)).toThrow(
      'invalid "search" at maxResults: expected a whole number from 1 to 20000 (got 0)',
    );
    expect(() => parseSettings({ search: { engine: 'fast' } }, asKey)).toThrow(
      /invalid "search" at engine: expected one of auto, ripgrep, builtin/,
    );
    expect(() => parseSettings({ search: { ripgrep: 'x' } }, asKey)).toThrow(
      'invalid "search": unknown key "ripgrep"',
    );
  });

  it('takes language servers in lsp and names a bad field inside them', () => {
    const options = normalizeOptions({
      lsp: [
        { name: 'pyright', command: 'pyright-langserver', args: ['--stdio'], extensions: ['.py'] },
      ],
      maxOpenFiles: 500,
    });
    expect(options.lsp).toEqual([
      { name: 'pyright', command: 'pyright-langserver', args: ['--stdio'], extensions: ['.py'] },
    ]);
    expect(Object.isFrozen(options.lsp[0]!.extensions)).toBe(true);
    expect(options.maxOpenFiles).toBe(500);
    expect(normalizeOptions({}).maxOpenFiles).toBe(2000);
    const inFile = (key: string) => `"${key}" in sidecar.config.json`;
    expect(() => parseSettings({ lsp: [{ name: 'x', extensions: ['.py'] }] }, inFile)).toThrow(
      'invalid "lsp" in sidecar.config.json at [0].command:',
    );
    expect(() =>
      parseSettings({ lsp: [{ name: 'x', command: 'x', extensions: ['py'] }] }, inFile),
    ).toThrow('at [0].extensions[0]: expected a file ending such as ".py" (got "py")');
    expect(() =>
      parseSettings({ lsp: [{ name: 'x', command: 'x', extensions: ['.py'], cmd: 1 }] }, inFile),
    ).toThrow(/at \[0\]: unknown key "cmd"/);
    const twice = { name: 'x', command: 'x', extensions: ['.py'] };
    expect(() => parseSettings({ lsp: [twice, twice] }, inFile)).toThrow(
      'at [1].name: server name "x" is used twice',
    );
    expect(() => parseSettings({ maxOpenFiles: -1 }, inFile)).toThrow('"maxOpenFiles"');
  });
});

describe('the git section', () => {
  it('is passed on, frozen, and checked key by key', () => {
    const options = normalizeOptions({ git: { debounceMs: 10, maxDiffBytes: 4096 } });
    expect(options.git).toEqual({ debounceMs: 10, maxDiffBytes: 4096 });
    expect(Object.isFrozen(options.git)).toBe(true);
    expect(normalizeOptions({}).git).toEqual({});
    expect(() => parseSettings({ git: { debounceMs: -1 } }, (key) => key)).toThrow(OptionsError);
    expect(() => parseSettings({ git: { debounce: 5 } }, (key) => key)).toThrow(OptionsError);
  });
});

describe('the files section', () => {
  it('is passed on, frozen, and checked key by key', () => {
    const options = normalizeOptions({
      files: { engine: 'native', followSymlinks: true, nativeAbove: 500 },
    });
    expect(options.files).toEqual({ engine: 'native', followSymlinks: true, nativeAbove: 500 });
    expect(Object.isFrozen(options.files)).toBe(true);
    expect(normalizeOptions({}).files).toEqual({});
    expect(() => parseSettings({ files: { engine: 'fsevents' } }, (key) => key)).toThrow(
      'invalid files at engine: expected one of auto, chokidar, native',
    );
    expect(() => parseSettings({ files: { follow: true } }, (key) => key)).toThrow(OptionsError);
  });
});
