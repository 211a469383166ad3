/**
 * One conformance sequence for a real language server installed from npm (a devDependency),
 * configured in `lsp` exactly as docs/configuration.md shows it (only the command is the
 * absolute path of the installed executable). Each server's test file describes its case; the
 * steps build on each other, so one sidecar serves the whole sequence:
 *
 * 1. the error in the broken file arrives, with the expected message;
 * 2. fixing the file on disk clears it;
 * 3. (languages with cross-file errors) breaking an imported file brings an error in its importer;
 * 4. the server killed with SIGKILL is restarted, and problems arrive from the new process.
 */

import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LspServerConfig } from '../../../src/app/options.js';
import type { Diagnostic, DiagnosticsSnapshot } from '../../../src/protocol/index.js';
import type { DiagnosticsSourceOptions } from '../../../src/sources/diagnostics/diagnostics-source.js';
import {
  type DiagnosticsHarness,
  processGroupMembers,
  startDiagnosticsHarness,
} from '../../sources/diagnostics/harness.js';
import { makeTempDir, waitFor } from '../../support/server.js';

/** A real server can be slow to start while other test files run beside it. */
const SLOW = { timeoutMs: 60_000 };
const STEP_TIMEOUT = 120_000;

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The absolute path of an executable installed in sidecar's own node_modules/.bin. */
export function installedCommand(name: string): string {
  return join(REPOSITORY, 'node_modules', '.bin', name);
}

export interface ConformanceCase {
  /** The `lsp` entry, as documented; none for the built-in TypeScript server. */
  config?: LspServerConfig;
  /** The workspace at start: `broken` holds one problem, the other files none. */
  files: Record<string, string>;
  /** Symbolic links to make in the workspace (path → target), e.g. a `node_modules`. */
  links?: Record<string, string>;
  broken: string;
  /** What the problem in `broken` looks like. */
  problem: Omit<Partial<Diagnostic>, 'message'> & { message: string | RegExp };
  /** The text of `broken` once fixed. */
  fixed: string;
  /** Writing `text` to `file` breaks `importer`, which is not changed itself. */
  crossFile?: { file: string; text: string; importer: string; message: string | RegExp };
  /** Which severities count as the problem (default: errors). */
  severities?: Diagnostic['severity'][];
  /** Source options besides the `lsp` entry. */
  options?: Omit<DiagnosticsSourceOptions, 'servers'>;
}

export function describeConformance(title: string, spec: ConformanceCase): void {
  const name = spec.config?.name ?? 'typescript';
  describe(`${title} (${name})`, () => {
    let root: string;
    let h: DiagnosticsHarness & { close(): Promise<void> };
    const severities = spec.severities ?? ['error'];
    const problemsIn = (file: string) =>
      h.latest(file)?.diagnostics.filter((d) => severities.includes(d.severity)) ?? [];
    const matches = (text: string, expected: string | RegExp) =>
      typeof expected === 'string' ? text === expected : expected.test(text);

    beforeAll(async () => {
      root = await writeWorkspace(spec.files);
      for (const [link, target] of Object.entries(spec.links ?? {})) {
        await symlink(target, join(root, link));
      }
      h = await startDiagnosticsHarness(root, {
        ...spec.options,
        servers: spec.config ? [spec.config] : [],
      });
    }, STEP_TIMEOUT);

    afterAll(async () => {
      await h?.close();
      await rm(root, { recursive: true, force: true });
    }, STEP_TIMEOUT);

    it(
      'reports the problem in the broken file',
      async () => {
        await waitFor(() => problemsIn(spec.broken).length > 0, {
          ...SLOW,
          message: `the problem in ${spec.broken}`,
        });
        const [problem] = problemsIn(spec.broken);
        const { message, ...rest } = spec.problem;
        expect(problem).toMatchObject(rest);
        expect(matches(problem!.message, message), problem!.message).toBe(true);
        expect(h.latest(spec.broken)).toMatchObject({ server: name });
        // Only the broken file has problems of these severities.
        const snapshot = await h.request<DiagnosticsSnapshot>('diagnostics.get');
        const withProblems = snapshot.files.filter((entry) =>
          entry.diagnostics.some((d) => severities.includes(d.severity)),
        );
        expect(withProblems.map((entry) => entry.file)).toEqual([spec.broken]);
      },
      STEP_TIMEOUT,
    );

    it(
      'clears the problem once the file is fixed on disk',
      async () => {
        await writeFile(join(root, spec.broken), spec.fixed);
        await waitFor(() => problemsIn(spec.broken).length === 0, {
          ...SLOW,
          message: `${spec.broken} to clear`,
        });
      },
      STEP_TIMEOUT,
    );

    const { crossFile } = spec;
    if (crossFile) {
      it(
        'reports a problem in an importer caused by a change in the file it imports',
        async () => {
          expect(problemsIn(crossFile.importer)).toEqual([]);
          await writeFile(join(root, crossFile.file), crossFile.text);
          await waitFor(
            () => problemsIn(crossFile.importer).some((d) => matches(d.message, crossFile.message)),
            { ...SLOW, message: `the cross-file problem in ${crossFile.importer}` },
          );
          await writeFile(join(root, crossFile.file), spec.files[crossFile.file]!);
          await waitFor(() => problemsIn(crossFile.importer).length === 0, {
            ...SLOW,
            message: `${crossFile.importer} to clear`,
          });
        },
        STEP_TIMEOUT,
      );
    }

    it(
      'restarts the server killed with SIGKILL, and reports problems from the new one',
      async () => {
        const killed = h.source.servers().find((s) => s.name === name)?.pid;
        expect(killed).toBeTypeOf('number');
        process.kill(killed!, 'SIGKILL');
        const part = `diagnostics:${name}`;
        await waitFor(() => h.states(part).some((s) => s.state === 'error'), {
          ...SLOW,
          message: 'the crash on system',
        });
        await waitFor(() => processGroupMembers(killed!).length === 0, {
          message: 'the old process group to be gone',
        });
        await waitFor(
          () => {
            const now = h.source.servers().find((s) => s.name === name)?.pid;
            return (
              now !== undefined && now !== killed && h.states(part).at(-1)?.state === 'running'
            );
          },
          { ...SLOW, message: 'a new server process, running' },
        );
        await writeFile(join(root, spec.broken), spec.files[spec.broken]!);
        await waitFor(() => problemsIn(spec.broken).length > 0, {
          ...SLOW,
          message: `the problem in ${spec.broken} from the new server`,
        });
      },
      STEP_TIMEOUT,
    );
  });
}

/** A temp folder holding `files` (path → text). */
async function writeWorkspace(files: Record<string, string>): Promise<string> {
  const root = await makeTempDir('sidecar-conformance-');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  }
  return root;
}
