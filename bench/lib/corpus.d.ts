/** Types for `corpus.js`, which the search tests share with the search benchmark. */
export function writeCorpus(
  dir: string,
  options: { files: number; fileBytes: number; seed?: number },
): Promise<{ files: number; bytes: number }>;
