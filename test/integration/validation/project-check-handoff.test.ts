/**
 * One type-check, not two: with the TypeScript project check running, the auto-detected `tsc`
 * publishes the project check's problems as its run's result and starts no compiler.
 */

import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, ValidationCompleteData } from '../../../src/protocol/index.js';
import { createDiagnosticsSource } from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { createValidationSource } from '../../../src/sources/validation/index.js';
import { resolveValidationOptions } from '../../../src/sources/validation/validator-config.js';
import { makeTempDir, rawClient, startTestSidecar, waitFor } from '../../support/server.js';

const TEST_TIMEOUT = 120_000;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

describe('the detected tsc beside the TypeScript project check', () => {
  it(
    'takes its problems from the project check and starts no compiler',
    async () => {
      const root = await makeTempDir('sidecar-handoff-');
      await writeFile(
        join(root, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true, noEmit: true } }),
      );
      await writeFile(join(root, 'bad.ts'), `export const bad: number = 'text';\n`);
      // A "tsc" that only leaves a mark: it must never run.
      await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
      const tsc = join(root, 'node_modules', '.bin', 'tsc');
      await writeFile(tsc, '#!/bin/sh\ntouch "$(dirname "$0")/../../tsc-ran"\nexit 0\n');
      await chmod(tsc, 0o755);

      const { sidecar, cleanup } = await startTestSidecar({
        root,
        sources: [
          createFilesSource(),
          createDiagnosticsSource(),
          createValidationSource(resolveValidationOptions(undefined)),
        ],
      });
      cleanups.push(cleanup);
      const client = await rawClient(sidecar);
      const since = { epoch: sidecar.epoch, seq: { validation: 0 } };
      client.send({ type: 'subscribe', channels: ['validation'], since, id: 'sub' });
      await client.response('sub');
      const completes = () =>
        client.messages
          .filter(
            (m): m is EventMessage =>
              m.type === 'event' && m.channel === 'validation' && m.event === 'complete',
          )
          .map((m) => m.data as ValidationCompleteData)
          .filter((data) => data.tool === 'tsc');
      await waitFor(() => completes().length > 0, {
        timeoutMs: 100_000,
        message: 'the detected tsc to complete',
      });
      expect(completes()[0]).toMatchObject({
        ok: false,
        exitCode: 2,
        problems: [
          expect.objectContaining({
            file: 'bad.ts',
            line: 1,
            column: 14,
            severity: 'error',
            code: 'TS2322',
          }),
        ],
      });
      expect(await readdir(root)).not.toContain('tsc-ran');
    },
    TEST_TIMEOUT,
  );
});
