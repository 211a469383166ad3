import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createDocumentSync,
  type DocumentSyncOptions,
  MAX_DOCUMENT_BYTES,
} from '../../../src/sources/diagnostics/document-sync.js';
import { createWorkspacePaths } from '../../../src/sources/diagnostics/workspace-paths.js';
import { waitFor } from '../../support/server.js';
import { useTempWorkspaces } from './harness.js';

const workspace = useTempWorkspaces();

/** A document sync over a temp folder, whose sends are recorded as short strings. */
async function setup(files: Record<string, string>, options: Partial<DocumentSyncOptions> = {}) {
  const root = await workspace(files);
  const paths = createWorkspacePaths(root);
  const removed: string[] = [];
  const sync = createDocumentSync({
    paths,
    matches: (file) => file.endsWith('.ts'),
    languageIdOf: () => 'typescript',
    maxOpenFiles: 100,
    hasProblems: () => false,
    onRemoved: (file) => removed.push(file),
    onError: (message, error) => {
      throw new Error(`${message}: ${error}`);
    },
    ...options,
  });
  const sent: string[] = [];
  const name = (uri: string) => uri.slice(paths.uriOf('').length);
  const sender = {
    didOpen: (d: { uri: string; version: number; text: string }) =>
      sent.push(`open ${name(d.uri)} v${d.version} ${JSON.stringify(d.text)}`),
    didChange: (d: { uri: string; version: number; text: string }) =>
      sent.push(`change ${name(d.uri)} v${d.version} ${JSON.stringify(d.text)}`),
    didClose: (uri: string) => sent.push(`close ${name(uri)}`),
  };
  /** Lets queued work finish: every operation runs in one promise chain. */
  const settle = () => sync.attach(sender);
  return {
    root,
    sync,
    sender,
    sent,
    removed,
    settle,
    write: (f: string, t: string) => writeFile(join(root, f), t),
  };
}

describe('document sync', () => {
  it('opens the tracked files when attached, and sends only real changes', async () => {
    const t = await setup({ 'a.ts': 'a', 'b.ts': 'b' });
    t.sync.track(['a.ts', 'b.ts']);
    await t.sync.attach(t.sender);
    expect(t.sent).toEqual(['open /a.ts v1 "a"', 'open /b.ts v1 "b"']);
    expect(t.sync.openUris()).toHaveLength(2);

    await t.write('a.ts', 'a2');
    t.sync.handleFileEvent('a.ts', 'change');
    t.sync.handleFileEvent('b.ts', 'change'); // touched, same text
    t.sync.handleFileEvent('notes.md', 'change'); // not this server's
    await waitFor(() => t.sent.length === 3, { message: 'the change' });
    expect(t.sent[2]).toBe('change /a.ts v2 "a2"');
    expect(t.sync.versionOf(t.sync.openUris()[0]!)).toBe(2);
  });

  it('opens added files, closes unlinked ones and reports them removed', async () => {
    const t = await setup({ 'a.ts': 'a', 'dir/b.ts': 'b', 'dir/c.ts': 'c' });
    t.sync.track(['a.ts', 'dir/b.ts', 'dir/c.ts']);
    await t.sync.attach(t.sender);
    t.sent.length = 0;
    await t.write('new.ts', 'n');
    t.sync.handleFileEvent('new.ts', 'add');
    await rm(join(t.root, 'a.ts'));
    t.sync.handleFileEvent('a.ts', 'unlink');
    await rm(join(t.root, 'dir'), { recursive: true });
    t.sync.handleFileEvent('dir', 'unlinkDir');
    await waitFor(() => t.sent.length === 4, { message: `sends: ${t.sent}` });
    expect(t.sent).toEqual([
      'open /new.ts v1 "n"',
      'close /a.ts',
      'close /dir/b.ts',
      'close /dir/c.ts',
    ]);
    expect(t.removed).toEqual(['a.ts', 'dir/b.ts', 'dir/c.ts']);
    expect(t.sync.coverage()).toEqual({ open: 1, matching: 1 });
  });

  it('keeps the set while detached, and reopens it all in a new server', async () => {
    const t = await setup({ 'a.ts': 'a' });
    t.sync.track(['a.ts']);
    await t.sync.attach(t.sender);
    t.sync.detach();
    await t.write('a.ts', 'a, edited while down');
    t.sync.handleFileEvent('a.ts', 'change');
    await t.write('b.ts', 'b');
    t.sync.handleFileEvent('b.ts', 'add');
    t.sent.length = 0;
    await t.sync.attach(t.sender);
    expect(t.sent.sort()).toEqual(['open /a.ts v2 "a, edited while down"', 'open /b.ts v1 "b"']);
  });

  it('past the cap, opens a changed file in place of the least recently touched clean one', async () => {
    const withProblems = new Set(['a.ts']);
    const t = await setup(
      { 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c', 'd.ts': 'd' },
      { maxOpenFiles: 2, hasProblems: (file) => withProblems.has(file) },
    );
    t.sync.track(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
    expect(t.sync.coverage()).toEqual({ open: 2, matching: 4 });
    await t.sync.attach(t.sender);
    t.sent.length = 0;
    await t.write('d.ts', 'd2');
    t.sync.handleFileEvent('d.ts', 'change');
    await waitFor(() => t.sent.length === 2, { message: 'the swap' });
    // a.ts has problems and is kept although it was touched first.
    expect(t.sent).toEqual(['close /b.ts', 'open /d.ts v1 "d2"']);
    expect(t.sync.coverage()).toEqual({ open: 2, matching: 4 });
  });

  it('opens nothing with maxOpenFiles 0', async () => {
    const t = await setup({ 'a.ts': 'a' }, { maxOpenFiles: 0 });
    t.sync.track(['a.ts']);
    t.sync.handleFileEvent('a.ts', 'change');
    await t.settle();
    expect(t.sent).toEqual([]);
    expect(t.sync.coverage()).toEqual({ open: 0, matching: 1 });
  });

  it('skips files that are too big, gone, or lead out of the root', async () => {
    const outside = await workspace({ 'secret.ts': 'secret' });
    const t = await setup({ 'big.ts': 'x'.repeat(MAX_DOCUMENT_BYTES + 1), 'ok.ts': 'ok' });
    await symlink(join(outside, 'secret.ts'), join(t.root, 'link.ts'));
    t.sync.track(['big.ts', 'gone.ts', 'link.ts', 'ok.ts']);
    await t.sync.attach(t.sender);
    expect(t.sent).toEqual(['open /ok.ts v1 "ok"']);
  });
});
