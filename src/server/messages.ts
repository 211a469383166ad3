import { z } from 'zod';
import { SidecarError } from '../core/errors.js';
import { parseOrThrow } from '../core/parse-or-throw.js';
import { previewValue } from '../core/value-preview.js';
import type { ClientMessage } from '../protocol/index.js';

const id = z.string().min(1).max(128);
const channelName = z.string().min(1).max(128);

/** Names are checked by the router, which says which one is wrong and why. */
const methodList = z.array(z.string().min(1).max(128)).min(1).max(64);

const resumePoint = z.object({
  epoch: z.string().max(64),
  seq: z.record(z.string(), z.number().int().nonnegative()),
});

const channelList = {
  channels: z.array(channelName).max(64).optional(),
  channel: channelName.optional(),
};

const clientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    id: id.optional(),
    ...channelList,
    since: resumePoint.optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: id.optional(), ...channelList }),
  z.object({
    type: z.literal('request'),
    id,
    method: z.string().min(1).max(128),
    params: z.unknown().optional(),
  }),
  z.object({
    type: z.literal('publish'),
    id: id.optional(),
    channel: channelName,
    event: z.string().min(1).max(128),
    data: z.unknown().optional(),
  }),
  z.object({ type: z.literal('ping'), id: id.optional(), timestamp: z.number().optional() }),
  z.object({ type: z.literal('pong'), id: id.optional(), timestamp: z.number().optional() }),
  z.object({ type: z.literal('provide'), id: id.optional(), methods: methodList }),
  z.object({ type: z.literal('unprovide'), id: id.optional(), methods: methodList }),
  z.object({
    type: z.literal('response'),
    id,
    result: z.unknown().optional(),
    error: z
      .object({
        code: z.string().min(1).max(64),
        message: z.string().max(4096),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal('cancel'), id }),
]);

const MESSAGE_TYPES = [
  'subscribe',
  'unsubscribe',
  'request',
  'publish',
  'ping',
  'pong',
  'provide',
  'unprovide',
  'response',
  'cancel',
];

/** The `id` of a frame that failed validation (or was dropped), when it has a usable one. */
export function idOfFrame(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = (value as { id?: unknown }).id;
  return typeof candidate === 'string' && candidate.length > 0 && candidate.length <= 128
    ? candidate
    : undefined;
}

/** Parses one text frame into a client message, or throws INVALID_MESSAGE saying why. */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SidecarError('INVALID_MESSAGE', `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SidecarError('INVALID_MESSAGE', 'a message must be a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) {
    throw new SidecarError(
      'INVALID_MESSAGE',
      `unknown message type ${previewValue(type)}; expected one of ${MESSAGE_TYPES.join(', ')}`,
      { field: 'type', expected: MESSAGE_TYPES },
    );
  }
  return parseOrThrow(
    clientMessage,
    value,
    'INVALID_MESSAGE',
    `invalid ${type} message`,
  ) as ClientMessage;
}

/** Both `channel` and `channels` forms, merged and deduplicated. */
export function channelsOf(message: { channel?: string; channels?: string[] }): string[] {
  const names = [...(message.channels ?? []), ...(message.channel ? [message.channel] : [])];
  return [...new Set(names)];
}
