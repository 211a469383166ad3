import { describe, expect, it } from 'vitest';
import type { GitStatus } from '../../../src/protocol/index.js';
import { changesBetween } from '../../../src/sources/git/status-changes.js';
import type { HeadCommit, StatusReading } from '../../../src/sources/git/status-reader.js';

const commitA: HeadCommit = { sha: 'a'.repeat(40), subject: 'first', author: 'Ann' };
const commitB: HeadCommit = { sha: 'b'.repeat(40), subject: 'second', author: 'Bob' };

function reading(branch: string | null, head: HeadCommit | null, extra: Partial<GitStatus> = {}) {
  const status: GitStatus = {
    branch,
    head: head && { sha: head.sha, subject: head.subject },
    detached: branch === null,
    upstream: null,
    ahead: 0,
    behind: 0,
    staged: [],
    modified: [],
    untracked: [],
    conflicted: [],
    renamed: [],
    operation: null,
    truncated: false,
    ...extra,
  };
  return { status, head } satisfies StatusReading;
}

describe('changesBetween', () => {
  it('sends the first reading as a status alone', () => {
    const first = reading('main', commitA);
    expect(changesBetween(null, first)).toEqual([{ event: 'status', data: first.status }]);
  });

  it('sends nothing when nothing changed', () => {
    expect(changesBetween(reading('main', commitA), reading('main', commitA))).toEqual([]);
  });

  it('sends a status when only the files changed', () => {
    const next = reading('main', commitA, { modified: ['a.txt'] });
    expect(changesBetween(reading('main', commitA), next)).toEqual([
      { event: 'status', data: next.status },
    ]);
  });

  it('sends commit, then status, when HEAD moves on the same branch', () => {
    const next = reading('main', commitB);
    expect(changesBetween(reading('main', commitA), next)).toEqual([
      { event: 'commit', data: commitB },
      { event: 'status', data: next.status },
    ]);
  });

  it('counts the first commit on an unborn branch', () => {
    expect(changesBetween(reading('main', null), reading('main', commitA))[0]).toEqual({
      event: 'commit',
      data: commitA,
    });
  });

  it('sends branch (not commit), then status, on a switch, detached included', () => {
    const detached = reading(null, commitB);
    expect(changesBetween(reading('main', commitA), detached)).toEqual([
      { event: 'branch', data: { from: 'main', to: null } },
      { event: 'status', data: detached.status },
    ]);
  });
});
