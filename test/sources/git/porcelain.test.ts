import { describe, expect, it } from 'vitest';
import { PorcelainParseError, parsePorcelainV2 } from '../../../src/sources/git/porcelain.js';

const OID = 'a'.repeat(40);
const HASH = 'b'.repeat(40);
/** Records as `git status --porcelain=v2 --branch -z` prints them: each ends with NUL. */
const z = (...records: string[]) => records.map((record) => `${record}\0`).join('');

describe('parsePorcelainV2', () => {
  it('reads the branch headers', () => {
    const status = parsePorcelainV2(
      z(
        `# branch.oid ${OID}`,
        '# branch.head feature/x',
        '# branch.upstream origin/feature/x',
        '# branch.ab +3 -12',
      ),
    );
    expect(status).toMatchObject({
      oid: OID,
      branch: 'feature/x',
      upstream: 'origin/feature/x',
      ahead: 3,
      behind: 12,
    });
  });

  it('reads an unborn branch and a detached HEAD', () => {
    expect(parsePorcelainV2(z('# branch.oid (initial)', '# branch.head main'))).toMatchObject({
      oid: null,
      branch: 'main',
      upstream: null,
      ahead: 0,
      behind: 0,
    });
    expect(parsePorcelainV2(z(`# branch.oid ${OID}`, '# branch.head (detached)'))).toMatchObject({
      oid: OID,
      branch: null,
    });
  });

  it('sorts ordinary changes into staged and modified by their XY code', () => {
    const status = parsePorcelainV2(
      z(
        `1 M. N... 100644 100644 100644 ${HASH} ${HASH} staged only.txt`,
        `1 .M N... 100644 100644 100644 ${HASH} ${HASH} modified only.txt`,
        `1 MM N... 100644 100644 100644 ${HASH} ${HASH} both.txt`,
        `1 A. N... 000000 100644 100644 ${'0'.repeat(40)} ${HASH} added.txt`,
        `1 .D N... 100644 100644 000000 ${HASH} ${HASH} deleted.txt`,
      ),
    );
    expect(status.staged).toEqual(['staged only.txt', 'both.txt', 'added.txt']);
    expect(status.modified).toEqual(['modified only.txt', 'both.txt', 'deleted.txt']);
  });

  it('reads a rename, whose source is the next NUL-separated record', () => {
    const status = parsePorcelainV2(
      z(`2 R. N... 100644 100644 100644 ${HASH} ${HASH} R100 new name.txt`, 'old name.txt'),
    );
    expect(status.renamed).toEqual([{ from: 'old name.txt', to: 'new name.txt' }]);
    expect(status.staged).toEqual(['new name.txt']);
  });

  it('reads unmerged paths as conflicted, and untracked paths', () => {
    const status = parsePorcelainV2(
      z(
        `u UU N... 100644 100644 100644 100644 ${HASH} ${HASH} ${HASH} src/conflict.ts`,
        '? notes/',
        '? a file with spaces.txt',
      ),
    );
    expect(status.conflicted).toEqual(['src/conflict.ts']);
    expect(status.untracked).toEqual(['notes/', 'a file with spaces.txt']);
    expect(status.staged).toEqual([]);
  });

  it('ignores headers it does not report, and empty output', () => {
    expect(parsePorcelainV2(z('# stash 2'))).toMatchObject({ oid: null, branch: null });
    expect(parsePorcelainV2('').untracked).toEqual([]);
  });

  it('rejects output it does not understand instead of guessing', () => {
    expect(() => parsePorcelainV2(z('x what is this'))).toThrow(PorcelainParseError);
    expect(() => parsePorcelainV2(z('1 M. N...'))).toThrow(/short record/);
    expect(() => parsePorcelainV2(z('# branch.ab +x -1'))).toThrow(/ahead\/behind/);
    expect(() =>
      parsePorcelainV2(`2 R. N... 100644 100644 100644 ${HASH} ${HASH} R100 new.txt`),
    ).toThrow(/no source/);
  });
});
