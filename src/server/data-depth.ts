import { SidecarError } from '../core/errors.js';
import { MAX_PUBLISH_DEPTH } from '../protocol/index.js';

/**
 * True when `value` nests arrays or objects more than `maxDepth` levels deep. Walks with its
 * own stack, so no depth of input can overflow the call stack the way `JSON.stringify` does.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { node: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) pending.push({ node: value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > maxDepth) return true;
    for (const child of Object.values(next.node)) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ node: child, depth: next.depth + 1 });
      }
    }
  }
  return false;
}

/** Refuses published data nested deeper than the protocol allows, as bad input. */
export function checkPublishDepth(data: unknown): void {
  if (!nestsDeeperThan(data, MAX_PUBLISH_DEPTH)) return;
  throw new SidecarError(
    'INVALID_PARAMS',
    `data nests arrays or objects more than ${MAX_PUBLISH_DEPTH} levels deep`,
    { field: 'data', maxDepth: MAX_PUBLISH_DEPTH },
  );
}
