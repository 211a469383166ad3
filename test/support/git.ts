import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir } from './server.js';

/** The environment for test git commands: no GIT_* from outside (a hook's GIT_DIR, say). */
const GIT_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('GIT_')),
);

/** Runs git in `cwd` and returns its output; throws (with git's stderr) when git fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' });
}

/** Like `git`, for commands expected to fail (a conflicting merge or rebase). */
export function gitFailing(cwd: string, ...args: string[]): void {
  try {
    git(cwd, ...args);
  } catch {
    return;
  }
  throw new Error(`git ${args.join(' ')} was expected to fail`);
}

/** A new repository on `main` with a local identity, in a temp folder (or in `dir`). */
export async function makeRepository(dir?: string): Promise<string> {
  const root = dir ?? (await makeTempDir('sidecar-git-'));
  mkdirSync(root, { recursive: true });
  git(root, '-c', 'init.defaultBranch=main', 'init', '-q');
  git(root, 'config', 'user.name', 'Test Author');
  git(root, 'config', 'user.email', 'author@example.com');
  git(root, 'config', 'commit.gpgsign', 'false');
  return root;
}

export function writeFile(root: string, file: string, content: string): void {
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Writes `file`, stages and commits it; returns the new HEAD sha. */
export function commitFile(root: string, file: string, content: string, message: string): string {
  writeFile(root, file, content);
  git(root, 'add', '--', file);
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD').trim();
}
