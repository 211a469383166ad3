/**
 * Remembers how many files a search with given globs looks into, so ripgrep searches after
 * the first need no second `rg --files` run beside them (it costs the search about a quarter of
 * its time on two cores). A count is trusted only while the `files` source runs: any change it
 * reports drops every count.
 */

export interface FileCountCache {
  /** The count for these globs, if known and still valid. */
  get(key: string): number | undefined;
  /** Call before counting; pass the result to `set`, so a count that raced a change is dropped. */
  generation(): number;
  set(key: string, generation: number, count: number): void;
  /** Something changed in the workspace. */
  invalidate(): void;
  /** Whether file changes are being reported (the `files` source runs); off drops every count. */
  setWatching(watching: boolean): void;
}

/** Distinct glob sets remembered; past this the oldest goes. */
const MAX_ENTRIES = 100;

export function fileCountKey(include: readonly string[], exclude: readonly string[]): string {
  return JSON.stringify([include, exclude]);
}

export function createFileCountCache(): FileCountCache {
  const counts = new Map<string, number>();
  let generation = 0;
  let watching = false;
  const invalidate = () => {
    generation++;
    counts.clear();
  };
  return {
    get: (key) => (watching ? counts.get(key) : undefined),
    generation: () => generation,
    set(key, at, count) {
      if (!watching || at !== generation) return;
      counts.delete(key);
      counts.set(key, count);
      if (counts.size > MAX_ENTRIES) counts.delete(counts.keys().next().value!);
    },
    invalidate,
    setWatching(on) {
      if (on !== watching) invalidate();
      watching = on;
    },
  };
}
