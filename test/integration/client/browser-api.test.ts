/**
 * The client as a browser runs it: the compiled ES modules, loaded as they are, with a
 * standards `WebSocket` global (Node's `--experimental-websocket`, the same WHATWG API a browser
 * has: no headers, no handshake status) and without the `ws` package anywhere in reach.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSidecar, type Sidecar } from '../../../src/app/sidecar.js';

const TOKEN = 'browser-test-token-0123456789abcdef';

/** Runs in the child: connects, reports every state and event as one JSON line. */
const SCRIPT = `
import { connect } from './client/index.js';
const [url, token] = process.argv.slice(2);
const report = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const client = connect({ url, token, reconnect: { initialDelayMs: 10, maxDelayMs: 40 } });
client.on('state', (s) => report({ kind: 'state', state: s.state, attempt: s.attempt }));
client.subscribe('custom:b', (m) => report({ kind: 'event', seq: m.seq, data: m.data }));
client.ready().then(
  async (welcome) => {
    const info = await client.request('server.info');
    report({ kind: 'info', epoch: info.epoch, welcomeEpoch: welcome.epoch });
  },
  (error) => report({ kind: 'ready-failed', code: error.code }),
);
process.stdin.on('data', async () => {
  await client.close();
  report({ kind: 'closed' });
});
`;

let dir: string;
let root: string;
const servers: Sidecar[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Outside the project, so that `import('ws')` could not succeed even if the client tried it.
  dir = await mkdtemp(join(tmpdir(), 'sidecar-browser-client-'));
  root = await mkdtemp(join(tmpdir(), 'sidecar-browser-root-'));
  await promisify(execFile)(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      ...['--outDir', dir, '--rootDir', 'src', '--module', 'NodeNext', '--moduleResolution'],
      ...['NodeNext', '--target', 'ES2022', '--lib', 'ES2023,DOM', '--skipLibCheck', '--noCheck'],
      '--removeComments',
      'src/client/index.ts',
    ],
    { cwd: join(import.meta.dirname, '..', '..', '..') },
  );
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
  await writeFile(join(dir, 'script.js'), SCRIPT);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(): Promise<Sidecar> {
  const sidecar = createSidecar({
    root,
    port: 0,
    token: TOKEN,
    sources: [],
    logLevel: 'silent',
    discovery: false,
  });
  await sidecar.listen();
  servers.push(sidecar);
  return sidecar;
}

/** Starts the script in a standards-WebSocket Node; collects the lines it reports. */
function runScript(url: string, token: string) {
  const child = spawn(process.execPath, ['--experimental-websocket', 'script.js', url, token], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  return { child, lines };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('client with a standards (browser) WebSocket', { timeout: 30_000 }, () => {
  it('imports nothing but its own modules, except ws lazily', async () => {
    const files = (await readdir(join(dir, 'client'))).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    for (const file of files) {
      const code = await readFile(join(dir, 'client', file), 'utf8');
      const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
        (m) => m[1],
      );
      for (const specifier of specifiers) {
        expect(specifier === 'ws' || specifier?.startsWith('.'), `${file}: ${specifier}`).toBe(
          true,
        );
      }
      // The one non-relative import is the lazy `await import('ws')`, never a static one.
      expect(code).not.toMatch(/from\s+['"]ws['"]/);
    }
  });

  it('connects with the token in the query, subscribes and requests', async () => {
    const server = await startServer();
    const { child, lines } = runScript(server.wsUrl, TOKEN);
    await until(() => lines.some((l) => l.kind === 'state' && l.state === 'open'), 'open');
    for (let n = 1; n <= 3; n++) server.broadcaster.emit('custom:b', 'tick', { n });
    await until(() => lines.filter((l) => l.kind === 'event').length === 3, 'three events');
    await until(() => lines.some((l) => l.kind === 'info'), 'server.info');
    expect(lines.find((l) => l.kind === 'info')).toEqual({
      kind: 'info',
      epoch: server.epoch,
      welcomeEpoch: server.epoch,
    });
    expect(lines.filter((l) => l.kind === 'event').map((l) => l.seq)).toEqual([1, 2, 3]);
    child.stdin!.write('close\n');
    await until(() => lines.some((l) => l.kind === 'closed'), 'close');
  });

  it('keeps retrying with backoff when refused, since a browser cannot see the 401', async () => {
    const server = await startServer();
    const { child, lines } = runScript(server.wsUrl, 'wrong-token-0123456789abcdef');
    await until(
      () => lines.filter((l) => l.kind === 'state' && l.state === 'connecting').length >= 4,
      'several attempts',
    );
    const attempts = lines.filter((l) => l.kind === 'state' && l.attempt !== undefined);
    expect(attempts.map((l) => l.attempt)).toEqual(attempts.map((_, i) => i + 1));
    expect(lines.some((l) => l.state === 'open' || l.state === 'closed')).toBe(false);
    child.stdin!.write('close\n');
    await until(() => lines.some((l) => l.kind === 'ready-failed'), 'ready() to fail on close');
    expect(lines.find((l) => l.kind === 'ready-failed')).toEqual({
      kind: 'ready-failed',
      code: 'CONNECTION_CLOSED',
    });
  });
});
