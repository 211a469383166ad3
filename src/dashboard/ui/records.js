/**
 * Finds the records of a known shape in a state channel's snapshot.
 *
 * The protocol fixes each channel's events, not the layout of its snapshot: a diagnostics
 * snapshot may be `{ files: [...], summary }` or a map keyed by file; a validation snapshot a
 * map keyed by tool or a list. Every layout holds the same records the live events carry
 * (`updated` data, `complete` data), so the views look for those, a few levels deep.
 * @template T
 * @param {unknown} value
 * @param {(candidate: any) => boolean} isRecord
 * @param {number} [depth]
 * @returns {T[]}
 */
export function collectRecords(value, isRecord, depth = 3) {
  if (value === null || typeof value !== 'object') return [];
  if (isRecord(value)) return [/** @type {T} */ (value)];
  if (depth === 0) return [];
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.flatMap((child) => collectRecords(child, isRecord, depth - 1));
}

/** `diagnostics` `updated` data: `{ file, diagnostics: [...] , … }`. */
export const isDiagnosticsUpdate = (/** @type {any} */ value) =>
  typeof value.file === 'string' && Array.isArray(value.diagnostics);

/** `validation` `complete` data: `{ tool, problems: [...], … }`. */
export const isValidationResult = (/** @type {any} */ value) =>
  typeof value.tool === 'string' && Array.isArray(value.problems);

/** A `git` `status`: `{ branch, head, … }`. */
export const isGitStatus = (/** @type {any} */ value) =>
  value !== null && typeof value === 'object' && 'branch' in value && 'head' in value;
