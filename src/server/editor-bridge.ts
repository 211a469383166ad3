import { z } from 'zod';
import { SidecarError } from '../core/errors.js';
import { parseOrThrow } from '../core/parse-or-throw.js';
import {
  type EditorState,
  EMPTY_EDITOR_STATE,
  type PublishMessage,
  type PublishResult,
} from '../protocol/index.js';
import type { EventBroadcaster } from './broadcaster.js';
import type { ProviderRouter, RouterConnection } from './provider-router.js';
import type { Publisher } from './publisher.js';
import { toRootRelative } from './root-path.js';

/*
 * What an IDE extension publishes: the `editor` channel's state, and its own diagnostics into
 * `diagnostics`. Only a connection that provides an `editor.*` method may; what it published
 * is cleared when it leaves.
 */

export interface EditorBridge<C extends RouterConnection> {
  /** Whether this publish is the bridge's to handle (`editor`, `diagnostics`). */
  handles(channel: string): boolean;
  publish(connection: C, message: PublishMessage): PublishResult;
  connectionGone(connection: C): void;
}

export interface EditorBridgeDeps<C extends RouterConnection> {
  root: string;
  broadcaster: EventBroadcaster;
  publisher: Publisher;
  providers: ProviderRouter<C>;
}

const position = z.object({
  line: z.number().int().nonnegative(),
  character: z.number().int().nonnegative(),
});
const path = z.string().min(1).max(4096);
const stateInput = z.object({
  name: z.string().min(1).max(64).optional(),
  activeFile: path.nullable(),
  selection: z.object({ start: position, end: position }).nullable().optional(),
  openFiles: z
    .array(
      z.object({
        file: path,
        dirty: z.boolean(),
        languageId: z.string().min(1).max(64).optional(),
      }),
    )
    .max(1000),
});

export function createEditorBridge<C extends RouterConnection>(
  deps: EditorBridgeDeps<C>,
): EditorBridge<C> {
  const { root, broadcaster, publisher, providers } = deps;
  let state: EditorState = EMPTY_EDITOR_STATE;
  let stateOwner: C | undefined;
  /** Per connection, the (file, server) sets it published into `diagnostics`. */
  const published = new Map<C, Map<string, { file: string; server: string }>>();

  broadcaster.setSnapshotProvider('editor', () => state);

  function checkProvider(connection: C, channel: string): void {
    if (providers.providesIn(connection, 'editor')) return;
    throw new SidecarError(
      'FORBIDDEN',
      `only a client that provides an editor.* method may publish on "${channel}"; send {"type":"provide","methods":["editor.open"]} first`,
      { channel },
    );
  }

  function publishState(connection: C, message: PublishMessage): PublishResult {
    if (message.event !== 'state') {
      throw new SidecarError('INVALID_PARAMS', 'the editor channel has one event: "state"', {
        field: 'event',
      });
    }
    const input = parseOrThrow(stateInput, message.data, 'INVALID_PARAMS', 'editor state');
    // Files outside the root (an editor's settings, a library) are left out, not refused.
    const activeFile = input.activeFile === null ? null : toRootRelative(root, input.activeFile);
    state = {
      provider: { clientId: connection.info.id, ...(input.name ? { name: input.name } : {}) },
      activeFile: activeFile ?? null,
      selection: activeFile ? (input.selection ?? null) : null,
      openFiles: input.openFiles.flatMap((open) => {
        const file = toRootRelative(root, open.file);
        return file ? [{ ...open, file }] : [];
      }),
    };
    stateOwner = connection;
    return { channel: 'editor', seq: broadcaster.emit('editor', 'state', state) };
  }

  function publishDiagnostics(connection: C, message: PublishMessage): PublishResult {
    const data = message.data as { file?: unknown; server?: unknown } | undefined;
    if (typeof data?.file !== 'string' || typeof data.server !== 'string') {
      throw new SidecarError('INVALID_PARAMS', 'diagnostics data needs "file" and "server"', {
        field: typeof data?.file !== 'string' ? 'file' : 'server',
      });
    }
    const file = toRootRelative(root, data.file);
    if (!file) {
      throw new SidecarError('FORBIDDEN', `"${data.file}" is outside the workspace root`, {
        field: 'file',
      });
    }
    const result = publisher.ingest('diagnostics', message.event, { ...data, file });
    const mine = published.get(connection) ?? new Map();
    published.set(connection, mine);
    mine.set(`${data.server}\0${file}`, { file, server: data.server });
    return result;
  }

  return {
    handles: (channel) => channel === 'editor' || channel === 'diagnostics',
    publish(connection, message) {
      checkProvider(connection, message.channel);
      return message.channel === 'editor'
        ? publishState(connection, message)
        : publishDiagnostics(connection, message);
    },
    connectionGone(connection) {
      const sets = published.get(connection);
      published.delete(connection);
      for (const { file, server } of sets?.values() ?? []) {
        try {
          publisher.ingest('diagnostics', 'updated', { file, server, diagnostics: [] });
        } catch {
          // Shutting down: nobody is left to tell.
        }
      }
      if (stateOwner === connection) {
        stateOwner = undefined;
        state = EMPTY_EDITOR_STATE;
        broadcaster.emit('editor', 'state', state);
      }
    },
  };
}
