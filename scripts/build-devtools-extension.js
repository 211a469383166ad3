// @ts-check
/**
 * Makes the loadable DevTools extension: `extensions/devtools/dist/`, which "Load unpacked"
 * takes as it is. The panel reuses the dashboard, so this copies, never forks:
 *
 *   extensions/devtools/*        → dist/            (manifest, service worker, panel, DevTools page)
 *   src/dashboard/{ui,views}     → dist/dashboard/  (the dashboard's views and their helpers)
 *   src/dashboard/style.css      → dist/dashboard/style.css
 *   dist/client, dist/protocol   → dist/lib/        (the browser client, as the sidecar serves it
 *                                                    under /lib/; only the .js files)
 *
 * Run by `npm run build` after `tsc` (it needs the built client). Usage:
 *   node scripts/build-devtools-extension.js [repository root]
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const source = join(root, 'extensions', 'devtools');
const out = join(source, 'dist');

for (const built of ['client', 'protocol']) {
  if (!existsSync(join(root, 'dist', built, 'index.js'))) {
    console.error(
      `build-devtools-extension: dist/${built} is missing; run tsc first (npm run build)`,
    );
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The extension's own files: everything in its folder but the output and dotfiles.
for (const name of readdirSync(source)) {
  if (name === 'dist' || name.startsWith('.')) continue;
  cpSync(join(source, name), join(out, name), { recursive: true });
}

const dashboard = join(root, 'src', 'dashboard');
for (const part of ['ui', 'views']) {
  cpSync(join(dashboard, part), join(out, 'dashboard', part), { recursive: true });
}
cpSync(join(dashboard, 'style.css'), join(out, 'dashboard', 'style.css'));

// The browser client and the protocol module it imports: the compiled .js only, without the
// source-map comment (the maps and their sources stay out, and DevTools would warn of each).
for (const built of ['client', 'protocol']) {
  const from = join(root, 'dist', built);
  for (const file of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const target = join(out, 'lib', built, file);
    mkdirSync(dirname(target), { recursive: true });
    const code = readFileSync(join(from, file), 'utf8');
    writeFileSync(target, code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'));
  }
}

console.log(`DevTools extension ready to load unpacked: ${relative(process.cwd(), out) || '.'}`);
