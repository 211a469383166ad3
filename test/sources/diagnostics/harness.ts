/** A real sidecar (files + diagnostics) on a temp workspace, with a subscribed raw client. */

import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Sidecar } from '../../../src/app/sidecar.js';
import type {
  DiagnosticsSnapshot,
  DiagnosticsUpdatedData,
  EventMessage,
  ServerMessage,
  SnapshotMessage,
  SourceStateData,
} from '../../../src/protocol/index.js';
import {
  createDiagnosticsSource,
  type DiagnosticsSource,
  type DiagnosticsSourceOptions,
} from '../../../src/sources/diagnostics/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { makeTempDir, type RawClient, rawClient, startTestSidecar } from '../../support/server.js';

/**
 * For a test file: returns `workspace(files)`, which makes a temp folder holding `files`
 * (path → text); the folders are removed after each test.
 */
export function useTempWorkspaces(): (
  files?: Record<string, string>,
  prefix?: string,
) => Promise<string> {
  let roots: string[] = [];
  afterEach(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
    roots = [];
  });
  return async (files = {}, prefix = 'sidecar-diagnostics-') => {
    const root = await makeTempDir(prefix);
    roots.push(root);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(join(root, file, '..'), { recursive: true });
      await writeFile(join(root, file), text);
    }
    return root;
  };
}

export interface DiagnosticsHarness {
  sidecar: Sidecar;
  source: DiagnosticsSource;
  client: RawClient;
  /** Every `updated` the client got, oldest first. */
  updates(): DiagnosticsUpdatedData[];
  /** The latest `updated` for `file`, if any. */
  latest(file: string): DiagnosticsUpdatedData | undefined;
  /** Every `system` `source` event for `name` (e.g. `diagnostics:typescript`). */
  states(name: string): SourceStateData[];
  request<T>(method: string, params?: unknown): Promise<T>;
  /** The `response` message itself, errors included. */
  call(method: string, params?: unknown): Promise<Extract<ServerMessage, { type: 'response' }>>;
  snapshot(): DiagnosticsSnapshot | undefined;
}

/** Starts harnesses and closes them (and removes their roots) after each test. */
export function useDiagnosticsHarness(): (
  root: string,
  options?: DiagnosticsSourceOptions,
) => Promise<DiagnosticsHarness> {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    cleanups = [];
  });
  return async (root, options = {}) => {
    const harness = await startDiagnosticsHarness(root, options);
    cleanups.push(async () => {
      await harness.close();
      await rm(root, { recursive: true, force: true });
    });
    return harness;
  };
}

export async function startDiagnosticsHarness(
  root: string,
  options: DiagnosticsSourceOptions = {},
): Promise<DiagnosticsHarness & { close(): Promise<void> }> {
  const source = createDiagnosticsSource(options);
  const { sidecar, cleanup } = await startTestSidecar({
    root,
    sources: [createFilesSource(), source],
  });
  const client = await rawClient(sidecar);
  // From seq 0: the states reported while the sidecar started are replayed too.
  const since = { epoch: sidecar.epoch, seq: { diagnostics: 0, system: 0 } };
  client.send({ type: 'subscribe', channels: ['diagnostics', 'system'], since, id: 'sub' });
  await client.response('sub');
  let requests = 0;
  const events = (channel: string, event: string) =>
    client.messages.filter(
      (m): m is EventMessage => m.type === 'event' && m.channel === channel && m.event === event,
    );
  const updates = () =>
    events('diagnostics', 'updated').map((m) => m.data as DiagnosticsUpdatedData);
  const call = (method: string, params?: unknown) => {
    const id = `r${++requests}`;
    client.send({ type: 'request', id, method, params });
    return client.response(id);
  };
  return {
    sidecar,
    source,
    client,
    updates,
    latest: (file) => updates().findLast((update) => update.file === file),
    states: (name) =>
      events('system', 'source')
        .map((m) => m.data as SourceStateData)
        .filter((data) => data.name === name),
    call,
    async request<T>(method: string, params?: unknown) {
      const response = await call(method, params);
      if (response.error) throw new Error(`${response.error.code}: ${response.error.message}`);
      return response.result as T;
    },
    snapshot: () =>
      client.messages.find(
        (m): m is SnapshotMessage => m.type === 'snapshot' && m.channel === 'diagnostics',
      )?.data as DiagnosticsSnapshot | undefined,
    async close() {
      client.close();
      await cleanup();
    },
  };
}

/**
 * Live processes (zombies not counted: whoever reaps orphans may be slow) in the process group
 * led by `pid`, read from /proc; the tests that use it run on Linux.
 */
export function processGroupMembers(pid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces, so read after its ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}
