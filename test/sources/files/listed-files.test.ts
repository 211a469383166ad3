import type { BigIntStats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createListedFiles } from '../../../src/sources/files/listed-files.js';

const stats = (mtime: number, size: number) =>
  ({ mtimeNs: BigInt(mtime), size: BigInt(size) }) as BigIntStats;

describe('listed files', () => {
  it('says whether a listed file changed since, once', () => {
    const listed = createListedFiles();
    listed.remember('/p/same', stats(1, 10));
    listed.remember('/p/written', stats(1, 10));
    listed.remember('/p/grown', stats(1, 10));
    expect(listed.takeChanged('/p/same', stats(1, 10))).toBe(false);
    expect(listed.takeChanged('/p/same', stats(1, 10))).toBeUndefined();
    expect(listed.takeChanged('/p/written', stats(2, 10))).toBe(true);
    expect(listed.takeChanged('/p/grown', stats(1, 11))).toBe(true);
    expect(listed.takeChanged('/p/never', stats(1, 10))).toBeUndefined();
  });

  it('forgets removed files, and the oldest past its limit', () => {
    const listed = createListedFiles(2);
    listed.remember('/p/a', stats(1, 1));
    listed.remember('/p/b', stats(1, 1));
    listed.remember('/p/c', stats(1, 1));
    expect(listed.takeChanged('/p/a', stats(1, 1))).toBeUndefined();
    listed.forget('/p/b');
    expect(listed.takeChanged('/p/b', stats(1, 1))).toBeUndefined();
    listed.remember('/q/d', stats(1, 1));
    listed.forgetWhere((path) => path.startsWith('/q/'));
    expect(listed.takeChanged('/q/d', stats(1, 1))).toBeUndefined();
    expect(listed.takeChanged('/p/c', stats(1, 1))).toBe(false);
  });
});
