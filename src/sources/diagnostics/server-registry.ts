/**
 * Which language servers run for a workspace: the built-in TypeScript one (for a workspace with
 * a tsconfig.json or jsconfig.json) and the ones configured in `lsp`. A configured command that
 * cannot be found is reported, not started.
 */

import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { LspServerConfig } from './lsp-settings.js';

/** Everything needed to start and feed one language server. */
export interface LanguageServerSpec {
  name: string;
  /** An absolute path to the executable. */
  command: string;
  args: readonly string[];
  /** File endings it checks, lower case with their dot. */
  extensions: readonly string[];
  /** The LSP language id of a file, by its ending. */
  languageIdOf(file: string): string;
  initializationOptions?: unknown;
  /** Answers `workspace/configuration`. */
  settings?: Readonly<Record<string, unknown>>;
  /**
   * The built-in TypeScript server only: the TypeScript `lib` folder it uses, for the
   * project-wide check beside it (see typescript-builder).
   */
  typescriptLib?: string;
}

export interface ResolvedServers {
  servers: LanguageServerSpec[];
  /** Configured servers that cannot run here, and why. */
  unavailable: { name: string; reason: string }[];
}

const TYPESCRIPT_SERVER_NAME = 'typescript';

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const JS_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs'];

/** Language ids of common endings; others default to the ending without its dot. */
const KNOWN_LANGUAGE_IDS: Readonly<Record<string, string>> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
  '.py': 'python',
  '.pyi': 'python',
  '.rs': 'rust',
  '.go': 'go',
  '.rb': 'ruby',
  '.cs': 'csharp',
  '.kt': 'kotlin',
  '.md': 'markdown',
  '.yml': 'yaml',
  '.h': 'c',
  '.hpp': 'cpp',
  '.cc': 'cpp',
  '.cxx': 'cpp',
};

export function guessLanguageId(file: string): string {
  const ending = extname(file).toLowerCase();
  return KNOWN_LANGUAGE_IDS[ending] ?? ending.slice(1);
}

export function resolveLanguageServers(
  root: string,
  configured: readonly LspServerConfig[],
  env: NodeJS.ProcessEnv = process.env,
): ResolvedServers {
  const servers: LanguageServerSpec[] = [];
  const unavailable: ResolvedServers['unavailable'] = [];
  if (!configured.some((server) => server.name === TYPESCRIPT_SERVER_NAME)) {
    const typescript = builtinTypeScriptServer(root);
    if (typescript) servers.push(typescript);
  }
  for (const config of configured) {
    const found = findExecutable(config.command, root, env);
    if (typeof found !== 'string') {
      unavailable.push({ name: config.name, reason: found.reason });
      continue;
    }
    const languageId = config.languageId;
    servers.push({
      name: config.name,
      command: found,
      args: config.args ?? [],
      extensions: config.extensions.map((ending) => ending.toLowerCase()),
      languageIdOf: (file) => languageId ?? guessLanguageId(file),
      initializationOptions: config.initializationOptions,
      settings: config.settings,
    });
  }
  return { servers, unavailable };
}

/** `typescript-language-server` from sidecar's own dependencies, run by this Node. */
function builtinTypeScriptServer(root: string): LanguageServerSpec | undefined {
  const tsconfig = readIfFile(join(root, 'tsconfig.json'));
  const jsconfig = readIfFile(join(root, 'jsconfig.json'));
  if (tsconfig === undefined && jsconfig === undefined) return undefined;
  // JavaScript files are checked only where the project says so; elsewhere they would bring
  // loose-file noise ("may be converted to an ES module") for every script.
  const checksJs = jsconfig !== undefined || /"(allowJs|checkJs)"\s*:\s*true/.test(tsconfig ?? '');
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve('typescript-language-server/package.json');
  const { bin } = JSON.parse(readFileSync(packageFile, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const cli = typeof bin === 'string' ? bin : bin['typescript-language-server']!;
  // The workspace's own TypeScript when installed, so errors match its `tsc`; else ours.
  const workspaceTypeScript = join(root, 'node_modules', 'typescript', 'lib');
  const typescriptLib = isFile(join(workspaceTypeScript, 'tsserver.js'))
    ? workspaceTypeScript
    : join(dirname(require.resolve('typescript/package.json')), 'lib');
  return {
    name: TYPESCRIPT_SERVER_NAME,
    command: process.execPath,
    args: [join(dirname(packageFile), cli), '--stdio'],
    extensions: checksJs ? [...TS_EXTENSIONS, ...JS_EXTENSIONS] : TS_EXTENSIONS,
    languageIdOf: guessLanguageId,
    initializationOptions: {
      hostInfo: 'sidecar',
      // One tsserver: the separate syntax server only speeds up editor features we do not use.
      tsserver: { path: typescriptLib, useSyntaxServer: 'never' },
      // No typings downloaded from npm behind the user's back.
      disableAutomaticTypingAcquisition: true,
    },
    typescriptLib,
  };
}

/** The absolute path of `command` (on PATH, absolute, or relative to the root), or why not. */
export function findExecutable(
  command: string,
  root: string,
  env: NodeJS.ProcessEnv,
): string | { reason: string } {
  const hasSlash = command.includes('/') || command.includes('\\');
  const candidates = isAbsolute(command)
    ? [command]
    : hasSlash
      ? [resolve(root, command)]
      : (env.PATH ?? env.Path ?? '')
          .split(delimiter)
          .filter(Boolean)
          .flatMap((dir) => executableNames(join(dir, command), env));
  for (const candidate of candidates) {
    if (isExecutableFile(candidate)) return candidate;
  }
  return {
    reason: hasSlash
      ? `command "${command}" is not an executable file`
      : `command "${command}" was not found on PATH; install it or give its full path`,
  };
}

function executableNames(path: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32') return [path];
  const endings = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';');
  return [path, ...endings.map((ending) => path + ending.toLowerCase())];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
