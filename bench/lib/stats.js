// @ts-check
/** Small statistics and table helpers shared by the benchmarks. */

/**
 * The value at quantile `q` (0..1) of ascending `sorted`, by the nearest-rank method.
 *
 * @param {ArrayLike<number>} sorted
 * @param {number} q
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return /** @type {number} */ (sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]);
}

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @param {number[]} values
 */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted.length >> 1;
  const lower = sorted.length % 2 === 1 ? upper : upper - 1;
  return ((sorted[lower] ?? Number.NaN) + (sorted[upper] ?? Number.NaN)) / 2;
}

/**
 * A plain-text table; the first column is left-aligned, the others right-aligned (numbers).
 *
 * @param {string[]} headers
 * @param {string[][]} rows
 */
export function formatTable(headers, rows) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  /** @param {string[]} cells */
  const line = (cells) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

/**
 * A whole number with thousands separators: `312,456`.
 *
 * @param {number} value
 */
export function formatCount(value) {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * Milliseconds with two decimals (latencies here are well under a second).
 *
 * @param {number} value
 */
export function formatMs(value) {
  return value.toFixed(2);
}
