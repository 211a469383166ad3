import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { Sidecar } from '../../src/app/sidecar.js';
import type {
  EventMessage,
  ServerMessage,
  SourceStateData,
  ValidationCompleteData,
  ValidationStartedData,
  WelcomeMessage,
} from '../../src/protocol/index.js';
import type { ValidationSettings } from '../../src/sources/validation/index.js';
import { makeTempDir, type RawClient, rawClient, startTestSidecar, waitFor } from './server.js';
import { linkProjectTools } from './workspace-tools.js';

export interface ValidationWorkspace {
  root: string;
  sidecar: Sidecar;
  client: RawClient;
  /** Writes a file below the root (folders made as needed). */
  write(file: string, text: string): Promise<void>;
  started(tool?: string): ValidationStartedData[];
  completes(tool?: string): ValidationCompleteData[];
  /** Waits for the first `complete` of `tool` that matches `predicate`. */
  nextComplete(
    tool: string,
    predicate?: (data: ValidationCompleteData) => boolean,
  ): Promise<ValidationCompleteData>;
  sourceStates(): SourceStateData[];
  request(method: string, params?: unknown): Promise<Extract<ServerMessage, { type: 'response' }>>;
}

/**
 * For a test file: starts a real sidecar (with its default sources: files and validation) on a
 * fixture workspace, and a client that gets every `validation` and `system` event from seq 1.
 */
export function useValidationWorkspaces() {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    cleanups = [];
  });
  return async (setup: {
    files?: Record<string, string>;
    /** Tools of this project linked into the workspace's node_modules/.bin. */
    tools?: string[];
    validation?: ValidationSettings;
  }): Promise<ValidationWorkspace> => {
    const root = await makeTempDir('sidecar-validation-');
    const write = async (file: string, text: string) => {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    };
    for (const [file, text] of Object.entries(setup.files ?? {})) await write(file, text);
    await linkProjectTools(root, setup.tools ?? []);
    const { sidecar, cleanup } = await startTestSidecar({
      root,
      sources: undefined,
      validation: setup.validation,
    });
    cleanups.push(async () => {
      await cleanup();
      await rm(root, { recursive: true, force: true });
    });
    const client = await rawClient(sidecar);
    const welcome = await client.next<WelcomeMessage>((m) => m.type === 'welcome');
    // From seq 0: the runs made at start are replayed, whenever this client connects.
    client.send({
      type: 'subscribe',
      channels: ['validation', 'system'],
      since: { epoch: welcome.epoch, seq: { validation: 0, system: 0 } },
      id: 'subscribed',
    });
    await client.response('subscribed');
    const eventsOf = <T>(channel: string, event: string) =>
      client.messages
        .filter(
          (m): m is EventMessage =>
            m.type === 'event' && m.channel === channel && m.event === event,
        )
        .map((m) => m.data as T);
    const completes = (tool?: string) =>
      eventsOf<ValidationCompleteData>('validation', 'complete').filter(
        (data) => tool === undefined || data.tool === tool,
      );
    let requests = 0;
    return {
      root,
      sidecar,
      client,
      write,
      started: (tool) =>
        eventsOf<ValidationStartedData>('validation', 'started').filter(
          (data) => tool === undefined || data.tool === tool,
        ),
      completes,
      nextComplete: (tool, predicate = () => true) =>
        waitFor(() => completes(tool).find(predicate) as ValidationCompleteData, {
          timeoutMs: 60_000,
          message: `a matching complete of ${tool}`,
        }),
      sourceStates: () => eventsOf<SourceStateData>('system', 'source'),
      request: (method, params) => {
        const id = `r${++requests}`;
        client.send({ type: 'request', id, method, params });
        return client.response(id);
      },
    };
  };
}
