/**
 * The `ai-response` fold: streams by id with their text so far and how they ended. A stream
 * first seen mid-way (`index > 0`: the watcher joined late) fetches its earlier text with
 * `ai.get`, holding the live chunks meanwhile, and continues after `lastIndex`: no gap, no
 * duplicate (docs/channels.md, "Catching up"). Chunks skipped by a gap are marked ` […] `.
 */
import type { AiChunkData, AiDoneData, AiErrorData, EventMessage } from '../../protocol/index.js';
import { isSidecarClientError } from '../errors.js';
import type { Keeper, KeeperContext } from './keeper.js';
import { type AiState, type AiStreamView, LIVE_LIMITS } from './types.js';

/** Where text is missing. */
const ELLIPSIS = ' […] ';

interface Stream {
  view: AiStreamView;
  nextIndex: number;
  held: EventMessage[];
}

export function createAiKeeper(context: KeeperContext): Keeper<AiState> {
  const streams = new Map<string, Stream>();

  function change(stream: Stream, update: Partial<AiStreamView>): void {
    stream.view = Object.freeze({ ...stream.view, ...update });
  }

  function take(stream: Stream, event: string, data: AiChunkData): void {
    if (data.index < stream.nextIndex) return; // already in the text (ai.get covered it)
    let { text } = stream.view;
    const skipped = data.index > stream.nextIndex && stream.nextIndex > 0;
    if (skipped) text += ELLIPSIS;
    stream.nextIndex = data.index + 1;
    text += data.chunk;
    const update: Partial<AiStreamView> = { text };
    if (skipped) update.incomplete = true;
    if (event === 'done' || event === 'error') {
      update.state = event;
      update.end = data as AiDoneData | AiErrorData;
    }
    change(stream, update);
  }

  async function catchUp(stream: Stream): Promise<void> {
    const { id } = stream.view;
    try {
      const known = await context.request('ai.get', { id });
      // Past the server's size limit `text` stopped growing: the held chunks come later.
      change(stream, {
        text: known.truncated ? `${known.text}${ELLIPSIS}` : known.text,
        incomplete: known.truncated,
      });
      stream.nextIndex = known.lastIndex + 1;
      if (known.end) change(stream, { state: known.end.event, end: known.end.data });
    } catch (failure) {
      const why = isSidecarClientError(failure, 'UNKNOWN_METHOD')
        ? 'the server offers no ai.get'
        : isSidecarClientError(failure)
          ? `${failure.code}: ${failure.message}`
          : String(failure);
      change(stream, {
        incomplete: true,
        note: `joined mid-stream; earlier text unavailable (${why})`,
      });
    }
    if (stream.view.state === 'catching-up') change(stream, { state: 'streaming' });
    const held = stream.held;
    stream.held = [];
    for (const message of held) take(stream, message.event, message.data as AiChunkData);
    context.changed();
  }

  function open(id: string): Stream {
    const stream: Stream = {
      view: Object.freeze({
        id,
        text: '',
        state: 'streaming',
        end: null,
        incomplete: false,
        note: null,
      }),
      nextIndex: 0,
      held: [],
    };
    streams.set(id, stream);
    for (const old of [...streams.keys()].slice(
      0,
      Math.max(0, streams.size - LIVE_LIMITS.aiStreams),
    ))
      streams.delete(old);
    return stream;
  }

  return {
    apply(message) {
      if (message.type !== 'event') return false;
      const data = message.data as AiChunkData;
      if (typeof data?.id !== 'string' || typeof data.index !== 'number') return false;
      let stream = streams.get(data.id);
      if (!stream) {
        stream = open(data.id);
        if (data.index > 0) {
          // Joined mid-stream: fetch what came before, hold live chunks until then.
          change(stream, { state: 'catching-up' });
          void catchUp(stream);
        }
      }
      if (stream.view.state === 'catching-up') stream.held.push(message);
      else take(stream, message.event, data);
      return true;
    },
    build() {
      const view = new Map<string, AiStreamView>();
      for (const [id, stream] of streams) view.set(id, stream.view);
      return Object.freeze({ streams: view });
    },
  };
}
