/**
 * A fake editor for `LAUNCH_EDITOR`: a script that appends its arguments, one per line, to a
 * file, so a test can see what launch-editor ran.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeEditor {
  /** The script, for `LAUNCH_EDITOR`. */
  command: string;
  /** Each launch's arguments, in order. */
  launches(): Promise<string[][]>;
}

export async function createFakeEditor(dir: string): Promise<FakeEditor> {
  const command = join(dir, 'fake-editor.sh');
  const record = join(dir, 'fake-editor.log');
  await writeFile(record, '');
  // One launch per line: its arguments joined by a tab.
  await writeFile(
    command,
    `#!/bin/sh\n(IFS="$(printf '\\t')"; printf '%s\\n' "$*") >> '${record}'\n`,
  );
  await chmod(command, 0o755);
  return {
    command,
    async launches() {
      const text = await readFile(record, 'utf8');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t'));
    },
  };
}
