import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mergeSettings,
  settingsFromConfigFile,
  settingsFromEnv,
} from '../../src/cli/settings-sources.js';
import { makeTempDir } from '../support/server.js';

describe('settings from the environment', () => {
  it('reads SIDECAR_* variables, lists and flags', () => {
    expect(
      settingsFromEnv({
        SIDECAR_PORT: '4000',
        SIDECAR_ALLOW_ORIGIN: 'chrome-extension://*, vscode-webview://*',
        SIDECAR_NO_AUTH: 'true',
        SIDECAR_STRICT_PORT: '1',
        SIDECAR_HISTORY: '',
      }),
    ).toEqual({
      port: 4000,
      allowOrigins: ['chrome-extension://*', 'vscode-webview://*'],
      auth: false,
      strictPort: true,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => settingsFromEnv({ SIDECAR_RATE_LIMIT: 'fast' })).toThrow(/SIDECAR_RATE_LIMIT/);
    expect(() => settingsFromEnv({ SIDECAR_NO_AUTH: 'maybe' })).toThrow(/SIDECAR_NO_AUTH/);
  });

  it.each([' ', '1e3', '0x10', '-1', '80 '])('refuses %j in a numeric variable', (value) => {
    for (const variable of [
      'SIDECAR_PORT',
      'SIDECAR_HEARTBEAT',
      'SIDECAR_HISTORY',
      'SIDECAR_RATE_LIMIT',
      'SIDECAR_MAX_PAYLOAD',
      'SIDECAR_MAX_OPEN_FILES',
    ]) {
      expect(() => settingsFromEnv({ [variable]: value })).toThrow(
        new RegExp(`^invalid ${variable}: expected a (whole )?number`),
      );
    }
  });
});

describe('settings from sidecar.config.json', () => {
  it('reads the file in the root and ignores $schema', async () => {
    const root = await makeTempDir();
    await writeFile(
      join(root, 'sidecar.config.json'),
      JSON.stringify({ $schema: 'x', port: 4100, allowHosts: ['a.lan'] }),
    );
    expect(await settingsFromConfigFile(root)).toEqual({ port: 4100, allowHosts: ['a.lan'] });
  });

  it('accepts a file that starts with a UTF-8 byte-order mark', async () => {
    const root = await makeTempDir();
    await writeFile(join(root, 'sidecar.config.json'), `\uFEFF${JSON.stringify({ port: 4100 })}`);
    expect(await settingsFromConfigFile(root)).toEqual({ port: 4100 });
  });

  it('is empty when there is no file, and names the key that is wrong', async () => {
    const root = await makeTempDir();
    expect(await settingsFromConfigFile(root)).toEqual({});
    await writeFile(join(root, 'sidecar.config.json'), JSON.stringify({ history: -1 }));
    await expect(settingsFromConfigFile(root)).rejects.toThrow(
      'invalid "history" in sidecar.config.json',
    );
    await writeFile(join(root, 'sidecar.config.json'), '{ broken');
    await expect(settingsFromConfigFile(root)).rejects.toThrow(/not valid JSON/);
  });

  it('requires a file named with --config to exist, and names it in errors', async () => {
    const root = await makeTempDir();
    await expect(settingsFromConfigFile(root, join(root, 'missing.json'))).rejects.toThrow(
      /cannot read config file/,
    );
    await writeFile(join(root, 'custom.json'), JSON.stringify({ port: 'x' }));
    await expect(settingsFromConfigFile(root, join(root, 'custom.json'))).rejects.toThrow(
      'invalid "port" in custom.json',
    );
  });

  it('lets flags win over the environment, and the environment over the file', () => {
    expect(mergeSettings({ port: 1, history: 1 }, { port: 2 }, { port: 3 })).toEqual({
      port: 3,
      history: 1,
    });
  });
});
