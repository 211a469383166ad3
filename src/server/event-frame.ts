import { SidecarError } from '../core/errors.js';
import type { Channel } from '../protocol/index.js';

/**
 * An event's `data` as JSON, or undefined for data JSON leaves out (as `JSON.stringify` drops
 * an undefined field). Serialized on its own so that data which cannot be serialized is refused
 * before the event takes a seq.
 */
export function serializeEventData(data: unknown): string | undefined {
  try {
    return JSON.stringify(data);
  } catch (error) {
    throw new SidecarError(
      'INVALID_PARAMS',
      `event data cannot be serialized: ${(error as Error).message}`,
      { field: 'data' },
    );
  }
}

/**
 * The `event` message's bytes, with already-serialized data spliced in: the same text, field
 * for field, as `JSON.stringify` of the whole message.
 */
export function eventFrame(
  channel: Channel,
  event: string,
  data: string | undefined,
  seq: number,
  timestamp: number,
): Buffer {
  const dataField = data === undefined ? '' : `"data":${data},`;
  return Buffer.from(
    `{"type":"event","channel":${JSON.stringify(channel)},"event":${JSON.stringify(event)},${dataField}"seq":${seq},"timestamp":${timestamp}}`,
  );
}
