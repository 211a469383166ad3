// @ts-check
/**
 * Takes the dashboard screenshots in docs/images/ (1280x800, light and dark): a real sidecar
 * with its built-in sources on a small TypeScript app in the middle of a change (a git
 * repository on a feature branch ahead of its upstream, edits, a type error, two checks, an AI
 * answer streamed by a producer, a search run from the page), in Debian's Chromium.
 *
 *   npm run screenshots            (builds first; CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSidecar } from '../dist/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url));
const PROJECT_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };
/** tsserver and tsc are slow to start on a busy machine. */
const SLOW = { timeout: 120_000 };

const CLIENT = `export interface ApiConfig {
  baseUrl?: string;
  retries: number;
}

export async function fetchJson<T>(config: ApiConfig, path: string): Promise<T> {
  const response = await fetch(new URL(path, config.baseUrl));
  if (!response.ok) throw new Error(\`GET \${path} failed: \${response.status}\`);
  return (await response.json()) as T;
}
`;
// The edit in progress: the base URL is taken as a string, but it is optional.
const CLIENT_EDITED = CLIENT.replace(
  '  const response = await fetch(new URL(path, config.baseUrl));',
  '  const base: string = config.baseUrl;\n  const response = await fetch(new URL(path, base));',
);
const CART = `import { type ApiConfig, fetchJson } from '../api/client.js';

export interface CartLine {
  sku: string;
  quantity: number;
  price: number;
}

export function loadCart(config: ApiConfig, id: string): Promise<CartLine[]> {
  // TODO: cache carts for the session
  return fetchJson<CartLine[]>(config, \`/carts/\${id}\`);
}
`;
const CART_EDITED = `${CART}
export function total(lines: CartLine[]): string {
  const currency = 'EUR';
  return lines.reduce((sum, line) => sum + line.quantity * line.price, 0);
}
`;
const SUBMIT = `import { type ApiConfig, fetchJson } from '../api/client.js';
import type { CartLine } from '../cart/Cart.js';

export function submitOrder(config: ApiConfig, lines: CartLine[]): Promise<{ orderId: string }> {
  // FIXME: send the idempotency key
  return fetchJson(config, \`/orders?lines=\${lines.length}\`);
}
`;
// A typo: CartLine has `sku`.
const SUBMIT_EDITED = SUBMIT.replace('lines.length', 'lines.map((line) => line.skus)');
/** The workspace's own check: TODO and FIXME comments, in the generic matcher's format. */
const CHECK_TODOS = `import { readdirSync, readFileSync } from 'node:fs';
let errors = 0;
for (const file of readdirSync('src', { recursive: true }).filter((f) => f.endsWith('.ts'))) {
  const path = \`src/\${file.replaceAll('\\\\', '/')}\`;
  readFileSync(path, 'utf8').split('\\n').forEach((text, index) => {
    const found = /(TODO|FIXME):? (.*)/.exec(text);
    if (!found) return;
    const severity = found[1] === 'FIXME' ? 'error' : 'warning';
    if (severity === 'error') errors++;
    console.log(\`\${path}:\${index + 1}:\${found.index + 1}: \${severity}: \${found[2]}\`);
  });
}
process.exitCode = errors > 0 ? 1 : 0;
`;

const FILES = {
  '.gitignore': 'node_modules/\n',
  'package.json': `${JSON.stringify({ name: 'acme-app', private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        noEmit: true,
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
  'README.md': '# acme-app\n\nThe shop front.\n',
  'scripts/check-todos.mjs': CHECK_TODOS,
  'src/api/client.ts': CLIENT,
  'src/cart/Cart.ts': CART,
};

const ANSWER = [
  '`config.baseUrl` is optional in `ApiConfig`, so its type is ',
  '`string | undefined`, and it cannot go into a `string`. ',
  'Either make `baseUrl` required, or check it first:\n\n',
  'if (!config.baseUrl) {\n',
  "  throw new Error('ApiConfig.baseUrl is not set');\n",
  '}\n',
  'const base = config.baseUrl; // string from here on\n',
];

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} cwd @param {string[]} args */
const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_'))),
      GIT_AUTHOR_NAME: 'Dana Lee',
      GIT_AUTHOR_EMAIL: 'dana@acme.example',
      GIT_COMMITTER_NAME: 'Dana Lee',
      GIT_COMMITTER_EMAIL: 'dana@acme.example',
    },
  });

/** @param {string} root @param {string} file @param {string} text */
async function write(root, file, text) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
}

/** A repository with history: main pushed to an upstream, a feature branch two commits ahead. */
async function makeWorkspace(/** @type {string} */ scratch) {
  const root = join(scratch, 'acme-app');
  const upstream = join(scratch, 'acme-app.git');
  for (const [file, text] of Object.entries(FILES)) await write(root, file, text);
  await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
  // The app's own TypeScript, as after `npm install` (this project's, linked).
  await symlink(join(PROJECT_MODULES, 'typescript'), join(root, 'node_modules', 'typescript'));
  await symlink(join(PROJECT_MODULES, '.bin', 'tsc'), join(root, 'node_modules', '.bin', 'tsc'));
  git(scratch, 'init', '-q', '--bare', '-b', 'main', upstream);
  git(root, '-c', 'init.defaultBranch=main', 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'Start the shop front');
  git(root, 'remote', 'add', 'origin', upstream);
  git(root, 'push', '-q', '-u', 'origin', 'main');
  git(root, 'checkout', '-q', '-b', 'feature/checkout-flow');
  git(root, 'push', '-q', '-u', 'origin', 'feature/checkout-flow');
  for (const [file, text, subject] of /** @type {[string, string, string][]} */ ([
    ['src/checkout/submit.ts', SUBMIT, 'Add the checkout step'],
    [
      'src/cart/validate.ts',
      'export const MAX_QUANTITY = 99;\n',
      'Validate the cart before checkout',
    ],
  ])) {
    await write(root, file, text);
    git(root, 'add', file);
    git(root, 'commit', '-q', '-m', subject);
  }
  return root;
}

/** A producer streaming an answer over `POST /publish`, piece by piece. */
async function streamAnswer(/** @type {import('../dist/index.js').Sidecar} */ sidecar) {
  /** @param {string} event @param {Record<string, unknown>} data */
  const publish = async (event, data) => {
    const response = await fetch(`${sidecar.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sidecar.token}` },
      body: JSON.stringify({ channel: 'ai-response', event, data }),
    });
    if (!response.ok) throw new Error(`publish failed: ${await response.text()}`);
  };
  const id = 'review-17';
  for (const [index, chunk] of ANSWER.entries()) {
    await publish('chunk', { id, chunk, index, finished: false });
    await sleep(60);
  }
  await publish('done', {
    id,
    chunk: '',
    index: ANSWER.length,
    finished: true,
    stopReason: 'end_turn',
    usage: { inputTokens: 412, outputTokens: 96 },
  });
}

const scratch = await mkdtemp(join(tmpdir(), 'sidecar-screenshots-'));
const root = await makeWorkspace(scratch);
const sidecar = await startSidecar({
  root,
  port: 0,
  logLevel: 'warn',
  validation: [
    {
      name: 'tsc',
      command: 'tsc',
      args: ['--noEmit', '--pretty', 'false'],
      matcher: 'tsc',
      triggers: ['src/**/*.ts'],
    },
    { name: 'todos', command: process.execPath, args: ['scripts/check-todos.mjs'] },
  ],
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
  page.setDefaultTimeout(SLOW.timeout);
  await page.goto(/** @type {string} listening, so served */ (sidecar.dashboardUrl));
  await page.locator('#connection-state[data-state="open"]').waitFor();
  await page.locator('#sources li[data-state="running"]', { hasText: 'diagnostics:' }).waitFor();

  // A developer at work: edits (one with a type error), a new test file, a staged file.
  await write(root, 'src/cart/Cart.ts', CART_EDITED);
  await sleep(300);
  await write(root, 'src/api/client.ts', CLIENT_EDITED);
  await sleep(300);
  await write(root, 'src/checkout/submit.ts', SUBMIT_EDITED);
  await write(root, 'src/cart/validate.test.ts', "import './validate.js';\n");
  await write(root, 'README.md', `${FILES['README.md']}\nRun \`npm start\` to try it.\n`);
  git(root, 'add', 'README.md');
  await page.locator('#git-files [data-kind="untracked"]').waitFor();
  await page.locator('#diagnostics-files [data-file="src/api/client.ts"]').waitFor({
    state: 'attached',
  });
  for (const file of ['src/cart/Cart.ts', 'src/checkout/submit.ts']) {
    await page.locator(`#diagnostics-files [data-file="${file}"]`).waitFor({ state: 'attached' });
  }
  // The checks the edits started have finished.
  for (const [tool, state] of [
    ['tsc', 'exit 2 · 3 problems'],
    ['todos', 'exit 1 · 2 problems'],
  ]) {
    await page
      .locator(`#validation-tools [data-tool="${tool}"] .tool-state`, { hasText: state })
      .waitFor({ state: 'attached' });
  }
  await streamAnswer(sidecar);
  await page.locator('#log-rows .log-row[data-channel="ai-response"][data-event="done"]').waitFor();

  // A search run from the page, as a user would, so its tab shows the result count.
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.locator('#search-query').fill('fetchJson');
  await page.locator('#search-query').press('Enter');
  await page.locator('#search-status[data-state="done"]').waitFor();
  await page.getByRole('tab', { name: 'Events' }).click();
  await page.locator('#log-rows .log-row[data-channel="search"][data-event="done"]').waitFor();
  await page.screenshot({ path: join(IMAGES, 'dashboard-light.png') });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await page.locator('#diagnostics-files [data-file="src/api/client.ts"]').waitFor();
  await page.screenshot({ path: join(IMAGES, 'dashboard-dark.png') });
  console.log(`wrote ${join('docs', 'images', 'dashboard-light.png')} and dashboard-dark.png`);
} finally {
  await browser.close();
  await sidecar.close();
  await rm(scratch, { recursive: true, force: true });
}
