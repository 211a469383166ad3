/**
 * The rules a producer's `ai-response` publish must follow, checked before it is broadcast:
 * indexes go 0, 1, 2… with no gap and no repeat, `done`/`error` end the stream, and streams of
 * `ai.chat` are written only by the sidecar. Nothing is re-ordered: a wrong event is refused.
 */

import { SidecarError } from '../../core/errors.js';
import type { AiChunkData } from '../../protocol/index.js';
import type { StreamRegistry } from './stream-registry.js';

/**
 * Throws a SidecarError for a publish that breaks a stream's order. `data` has passed the
 * publisher's shape check (`id`, `chunk`, `index`, `finished`).
 */
export function checkProducerEvent(streams: StreamRegistry, event: string, data: AiChunkData) {
  const { id, index, finished } = data;
  if ((event === 'done' || event === 'error') && !finished) {
    throw new SidecarError(
      'INVALID_PARAMS',
      `a ${event} event ends its stream: set finished: true`,
      {
        field: 'finished',
        id,
      },
    );
  }
  const stream = streams.lookup(id);
  if (stream?.owner === 'chat') {
    throw new SidecarError('FORBIDDEN', `stream "${id}" belongs to ai.chat; pick another id`, {
      field: 'id',
      id,
    });
  }
  if (stream?.finished) {
    throw new SidecarError(
      'INVALID_PARAMS',
      `stream "${id}" has already ended (${stream.end?.event ?? 'done'} at index ${stream.lastIndex}); start a new stream with a new id`,
      { field: 'id', id },
    );
  }
  const expected = stream ? stream.lastIndex + 1 : 0;
  if (index !== expected) {
    const what = index < expected ? 'a repeated index' : 'a gap';
    throw new SidecarError(
      'INVALID_PARAMS',
      `stream "${id}": expected index ${expected}, got ${index} (${what}; chunks are not re-ordered)`,
      { field: 'index', id, expected, got: index },
    );
  }
  if (!stream) streams.ensureRoom();
}
