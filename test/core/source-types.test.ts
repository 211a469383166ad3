/**
 * Compile-time checks of the source boundary (`npm run typecheck` runs them; vitest only
 * executes them): a source's events and a method's params and result must agree with the
 * protocol. Each `@ts-expect-error` fails the typecheck if the line below it stops failing.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineMethod, noParams } from '../../src/core/methods.js';
import type { Source, SourceContext } from '../../src/core/source.js';
import type { GitStatus } from '../../src/protocol/index.js';

declare const files: SourceContext<'files'>;
declare const git: SourceContext<'git'>;
declare const status: GitStatus;

describe('SourceContext<C>.emit', () => {
  it("takes the channel's events with their data, and nothing else", () => {
    const check = () => {
      files.emit('change', { file: 'a.ts', event: 'change' });
      git.emit('status', status);
      git.emit('branch', { from: 'main', to: 'dev' });
      // @ts-expect-error: `files` has no `status` event
      files.emit('status', status);
      // @ts-expect-error: a `change` carries a FileEventData, not a GitStatus
      files.emit('change', status);
      // @ts-expect-error: a `branch` names where it went
      git.emit('branch', { from: 'main' });
    };
    expect(check).toBeTypeOf('function');
  });

  it("makes a built-in source's start take its own channel's context", () => {
    const source: Source<'git'> = {
      name: 'git',
      channel: 'git',
      start: async (ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<SourceContext<'git'>>();
      },
      stop: async () => {},
    };
    // Any channel's source is a `Source`, as the runner and `sources` option hold them.
    const any: Source[] = [source];
    expect(any).toHaveLength(1);
    // @ts-expect-error: a source for `git` is not one for `files`
    const wrong: Source<'files'> = source;
    expect(wrong).toBe(source);
  });
});

describe('defineMethod', () => {
  it('checks a protocol method against MethodMap: params and result', () => {
    defineMethod({ name: 'git.status', params: noParams, handler: () => status });
    defineMethod({
      name: 'git.log',
      params: z.object({ limit: z.number().int().optional() }).optional(),
      handler: () => [{ sha: 'a', subject: 's', author: 'x', date: 'd' }],
    });
    defineMethod({
      name: 'git.status',
      params: noParams,
      // @ts-expect-error: git.status answers a GitStatus
      handler: () => ({ branch: 'main' }),
    });
    defineMethod({
      name: 'git.log',
      // @ts-expect-error: MethodMap says `limit` is a number; this schema refuses one
      params: z.object({ limit: z.string().optional() }).optional(),
      handler: () => [],
    });
    defineMethod({
      name: 'search.cancel',
      // @ts-expect-error: the schema requires a field MethodMap does not have
      params: z.object({ searchId: z.string(), reason: z.string() }),
      handler: () => ({ cancelled: true }),
    });
  });

  it("leaves an embedding app's own methods free", () => {
    const echo = defineMethod({
      name: 'app.echo',
      params: z.object({ text: z.string() }),
      handler: ({ text }) => ({ text }),
    });
    expect(echo.name).toBe('app.echo');
  });
});
