/**
 * A fake editor for `LAUNCH_EDITOR`: a script that appends its arguments, one per line, to a
 * file, so a test can see what launch-editor ran; and the `SIDECAR_TOKEN` it was given, to
 * another.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeEditor {
  /** The script, for `LAUNCH_EDITOR`. */
  command: string;
  /** Each launch's arguments, in order. */
  launches(): Promise<string[][]>;
  /** Each launch's `SIDECAR_TOKEN`, or `unset`. */
  tokensSeen(): Promise<string[]>;
}

const linesOf = async (file: string) =>
  (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');

export async function createFakeEditor(dir: string): Promise<FakeEditor> {
  const command = join(dir, 'fake-editor.sh');
  const record = join(dir, 'fake-editor.log');
  const tokens = join(dir, 'fake-editor-tokens.log');
  await writeFile(record, '');
  await writeFile(tokens, '');
  // One launch per line: its arguments joined by a tab.
  await writeFile(
    command,
    `#!/bin/sh\nprintf '%s\\n' "\${SIDECAR_TOKEN-unset}" >> '${tokens}'\n` +
      `(IFS="$(printf '\\t')"; printf '%s\\n' "$*") >> '${record}'\n`,
  );
  await chmod(command, 0o755);
  return {
    command,
    async launches() {
      return (await linesOf(record)).map((line) => line.split('\t'));
    },
    tokensSeen: () => linesOf(tokens),
  };
}
