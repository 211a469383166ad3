/**
 * `changes_since`: which files changed after a point the agent got earlier, from the `files`
 * channel's history — the same resume machinery a reconnecting client uses (epoch + seq). A
 * point from before a sidecar restart belongs to another epoch: the answer says so plainly and
 * lists what changed since the restart.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { FileEventData, FileEventKind, FilesBatchData } from '../../protocol/index.js';
import type { ChannelEvent, ChannelPoint, SidecarBackend } from '../backend.js';
import { answer, BoundedText, plural } from '../format.js';

const POINT_PATTERN = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

export function formatPoint(point: ChannelPoint): string {
  return `${point.epoch}:${point.seq}`;
}

export function parsePoint(text: string): ChannelPoint | undefined {
  const match = POINT_PATTERN.exec(text.trim());
  return match ? { epoch: match[1]!, seq: Number(match[2]) } : undefined;
}

type Change = 'added' | 'changed' | 'deleted';

/** Each path's net change over the events, in the order paths first changed. */
export function netChanges(events: ChannelEvent[]): Map<string, Change> {
  const changes = new Map<string, { first: FileEventKind; last: FileEventKind }>();
  const record = ({ file, event }: FileEventData) => {
    const path = event === 'addDir' || event === 'unlinkDir' ? `${file}/` : file;
    const known = changes.get(path);
    if (known) known.last = event;
    else changes.set(path, { first: event, last: event });
  };
  for (const { event, data } of events) {
    if (event === 'batch') for (const item of (data as FilesBatchData).events) record(item);
    else if (event !== 'ready') record(data as FileEventData);
  }
  const net = new Map<string, Change>();
  for (const [path, { first, last }] of changes) {
    const gone = last === 'unlink' || last === 'unlinkDir';
    const born = first === 'add' || first === 'addDir';
    // Made and removed again between the two points: nothing to look at.
    if (gone && born) continue;
    net.set(path, gone ? 'deleted' : born ? 'added' : 'changed');
  }
  return net;
}

export function registerChangesTools(server: McpServer, backend: SidecarBackend): void {
  server.registerTool(
    'changes_since',
    {
      title: 'Files changed since a point',
      description:
        'Which files were added, changed or deleted (by anyone: the agent, a human in the editor, a build) since a point. Call it without "since" to get the current point; pass that point later to learn what changed meanwhile. Every answer ends with the next point to use.',
      inputSchema: {
        since: z
          .string()
          .max(100)
          .optional()
          .describe('a point from an earlier answer, like "a1B2c3D4:42"'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(2000)
          .optional()
          .describe('most files listed (default 200)'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ since, limit = 200 }) =>
      answer(async () => {
        const point = since === undefined ? undefined : parsePoint(since);
        if (since !== undefined && !point) {
          throw Object.assign(
            new Error(
              `"since" must be a point like "a1B2c3D4:42" from an earlier answer, not ${JSON.stringify(since)}`,
            ),
            {
              code: 'INVALID_PARAMS',
            },
          );
        }
        const caughtUp = await backend.catchUp('files', point);
        const next = `Next point: ${formatPoint({ epoch: caughtUp.epoch, seq: caughtUp.latestSeq })}`;
        if (!point) return `${next} (pass it as "since" to learn what changes after now).`;

        const lines: string[] = [];
        const restarted = point.epoch !== caughtUp.epoch;
        if (restarted) {
          lines.push(
            'The sidecar restarted since that point (its epoch changed): changes made before the restart, or while it was not running, are not known here — git_status shows what differs from the last commit. Changes since the restart:',
          );
        } else if (caughtUp.gap) {
          lines.push(
            'More file events happened since that point than the sidecar keeps: the oldest changes are missing from this list — git_status shows what differs from the last commit.',
          );
        }
        const net = netChanges(caughtUp.events);
        const out = new BoundedText();
        out.add(net.size === 0 ? 'No files changed.' : `${plural(net.size, 'file')} changed:`);
        let listed = 0;
        for (const [path, change] of net) {
          if (listed >= limit || !out.add(`  ${change.padEnd(7)} ${path}`)) break;
          listed++;
        }
        lines.push(out.toString());
        if (listed < net.size)
          lines.push(`… ${plural(net.size - listed, 'more file')} not shown (raise "limit").`);
        lines.push(next);
        return lines.join('\n');
      }),
  );
}
