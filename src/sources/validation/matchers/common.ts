/** What every problem matcher needs: the output, workspace-relative paths, severity words. */

import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DiagnosticSeverity, ValidationProblem } from '../../../protocol/index.js';

/** What a validator printed, decoded. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/** Turns a tool's output into problems whose paths are relative to the workspace root. */
export type ProblemMatcher = (output: ToolOutput, paths: WorkspacePaths) => ValidationProblem[];

export interface WorkspacePaths {
  /** `file` (relative to the root, or absolute) as a `/`-separated root-relative path; null outside the root. */
  toRelative(file: string): string | null;
}

export function createWorkspacePaths(root: string): WorkspacePaths {
  const roots = [resolve(root)];
  try {
    // Tools that resolve the working directory (eslint, via process.cwd()) print real paths.
    const real = realpathSync(root);
    if (real !== roots[0]) roots.push(real);
  } catch {
    // a root that cannot be resolved keeps its given path
  }
  return {
    toRelative(file) {
      const trimmed = file.trim();
      if (trimmed === '') return null;
      for (const base of roots) {
        const path = relative(base, resolve(base, trimmed));
        if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
          continue;
        }
        return path.split(sep).join('/');
      }
      return null;
    },
  };
}

// CSI sequences (colors, cursor moves) and OSC hyperlinks, as `tsc --pretty` and others print.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are the target
const ANSI_ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPES, '');
}

/** Lines longer than this are skipped by line matchers: no tool reports a problem in 8 KB. */
const MAX_LINE_LENGTH = 8192;

/** The output's lines, stdout first, without color codes or overlong lines. */
export function outputLines(output: ToolOutput): string[] {
  return [output.stdout, output.stderr]
    .flatMap((text) => stripAnsi(text).split(/\r?\n/))
    .filter((line) => line.length <= MAX_LINE_LENGTH);
}

/** A line or column as printed: a positive whole number, else null. */
export function toPosition(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number.parseInt(text, 10);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * A severity word as tools print it (`warn`, `Warning`, `note`, or a letter such as pylint's
 * `W`) in the protocol's terms; anything else is an error.
 */
export function toSeverity(word: string | undefined): DiagnosticSeverity {
  switch (word?.trim().toLowerCase()) {
    case 'warning':
    case 'warn':
    case 'w':
      return 'warning';
    case 'info':
    case 'information':
    case 'note':
    case 'notice':
    case 'message':
    case 'i':
    case 'n':
      return 'info';
    case 'hint':
    case 'help':
    case 'suggestion':
    case 'h':
      return 'hint';
    default:
      return 'error';
  }
}
