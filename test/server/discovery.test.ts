import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDiscovery } from '../../src/server/discovery.js';
import { makeTempDir } from '../support/server.js';

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  folders = [];
});

const record = {
  pid: process.pid,
  port: 3001,
  host: '127.0.0.1',
  url: 'http://127.0.0.1:3001',
  token: 'secret-token-0123456789',
  root: '/some/workspace',
  version: '0.0.0',
  startedAt: 0,
};

describe('writeDiscovery', () => {
  it('tightens a folder that already existed to 0700 and writes the file 0600', async () => {
    const parent = await makeTempDir();
    folders.push(parent);
    const dir = join(parent, 'sidecar');
    await mkdir(dir, { mode: 0o755 });
    const file = await writeDiscovery(record, dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
