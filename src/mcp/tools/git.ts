/** `git_status`, `git_diff` and `git_log`: the git source's answers, sized for a model. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { GitStatus } from '../../protocol/index.js';
import type { SidecarBackend } from '../backend.js';
import { answer, BoundedText, clip, MAX_ANSWER_CHARS, plural, workspacePath } from '../format.js';

/** Paths listed per group of the status before the rest is counted. */
const PATHS_PER_GROUP = 100;

export function renderStatus(status: GitStatus): string {
  const out = new BoundedText();
  const branch = status.detached
    ? `detached at ${status.head?.sha.slice(0, 10) ?? '?'}`
    : `on ${status.branch ?? '(no branch)'}`;
  const upstream = status.upstream
    ? `, ${status.ahead} ahead and ${status.behind} behind ${status.upstream}`
    : '';
  out.add(`Branch: ${branch}${upstream}.`);
  if (status.head)
    out.add(`HEAD: ${status.head.sha.slice(0, 10)} ${clip(status.head.subject, 120)}`);
  if (status.operation) out.add(`A ${status.operation} is in progress.`);
  const groups: [string, string[]][] = [
    ['Conflicted', status.conflicted],
    ['Staged', status.staged],
    ['Modified (not staged)', status.modified],
    ['Untracked', status.untracked],
  ];
  const renamedTo = new Map(status.renamed.map((r) => [r.to, r.from]));
  let clean = true;
  for (const [title, paths] of groups) {
    if (paths.length === 0) continue;
    clean = false;
    out.add(`${title} (${paths.length}):`);
    for (const path of paths.slice(0, PATHS_PER_GROUP)) {
      const from = title === 'Staged' ? renamedTo.get(path) : undefined;
      out.add(`  ${path}${from ? ` (renamed from ${from})` : ''}`);
    }
    if (paths.length > PATHS_PER_GROUP) out.add(`  … ${paths.length - PATHS_PER_GROUP} more`);
  }
  if (clean) out.add('Working tree clean.');
  let text = out.toString();
  if (out.omittedCount > 0) text += `\n… ${plural(out.omittedCount, 'more line')} not shown.`;
  if (status.truncated) text += '\nThe sidecar cut a path list at its cap: there are more.';
  return text;
}

export function registerGitTools(server: McpServer, backend: SidecarBackend): void {
  server.registerTool(
    'git_status',
    {
      title: 'Git status',
      description:
        'The branch, upstream ahead/behind, an operation in progress (merge, rebase, …) and the staged, modified, untracked and conflicted files.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => answer(async () => renderStatus(await backend.call('git.status', undefined))),
  );

  server.registerTool(
    'git_diff',
    {
      title: 'Git diff',
      description:
        'The unified diff of the working tree against the index (or, with staged: true, of the index against HEAD), for one file or all.',
      inputSchema: {
        file: z
          .string()
          .min(1)
          .max(1000)
          .optional()
          .describe('one workspace-relative file (default: all)'),
        staged: z.boolean().optional().describe('the staged changes instead of the unstaged ones'),
        maxChars: z
          .number()
          .int()
          .min(1000)
          .max(MAX_ANSWER_CHARS)
          .optional()
          .describe(`most characters of diff returned (default ${MAX_ANSWER_CHARS / 2})`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ file, staged, maxChars = MAX_ANSWER_CHARS / 2 }) =>
      answer(async () => {
        const params = {
          ...(file === undefined ? {} : { file: workspacePath(backend.root, file) }),
          ...(staged === undefined ? {} : { staged }),
        };
        const { diff, truncated } = await backend.call('git.diff', params);
        if (diff.trim() === '') {
          return `No ${staged ? 'staged' : 'unstaged'} changes${file ? ` in ${params.file}` : ''}.`;
        }
        if (diff.length <= maxChars && !truncated) return diff;
        const cut =
          diff.length > maxChars ? diff.slice(0, diff.lastIndexOf('\n', maxChars) + 1) : diff;
        return `${cut}\n… diff cut at ${cut.length} of ${truncated ? 'more than ' : ''}${diff.length} characters: ask for one "file" at a time to see the rest.`;
      }),
  );

  server.registerTool(
    'git_log',
    {
      title: 'Git log',
      description: 'The latest commits of HEAD: short sha, date, author and subject.',
      inputSchema: {
        limit: z
          .number()
          .int()
          .min(1)
          .max(200)
          .optional()
          .describe('how many commits (default 20)'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ limit = 20 }) =>
      answer(async () => {
        const commits = await backend.call('git.log', { limit });
        if (commits.length === 0) return 'No commits yet.';
        return commits
          .map(
            (c) =>
              `${c.sha.slice(0, 10)} ${c.date.slice(0, 10)} ${clip(c.author, 40)}: ${clip(c.subject, 150)}`,
          )
          .join('\n');
      }),
  );
}
