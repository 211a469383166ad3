/**
 * The state channels as MCP resources (`sidecar://diagnostics`, `sidecar://git`,
 * `sidecar://validation`, `sidecar://system`), rendered as the tools render them. A client
 * that subscribes to one gets `notifications/resources/updated` when its channel moves.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type {
  Channel,
  DiagnosticsSnapshot,
  GitStatus,
  ValidationSnapshot,
} from '../protocol/index.js';
import type { SidecarBackend } from './backend.js';
import { problemsOf, renderProblems, summaryLine } from './tools/diagnostics.js';
import { renderStatus } from './tools/git.js';
import { renderRuns } from './tools/validation.js';

/** Bursts of events (a save touching many files) become one notification per this window. */
const UPDATE_COALESCE_MS = 200;

interface StateResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  channel: Channel;
  render(backend: SidecarBackend): Promise<string>;
}

const RESOURCES: StateResource[] = [
  {
    uri: 'sidecar://diagnostics',
    name: 'diagnostics',
    title: 'Diagnostics',
    description: "The language servers' current problems, as `file:line:col` lines.",
    channel: 'diagnostics',
    async render(backend) {
      const snapshot: DiagnosticsSnapshot = await backend.call('diagnostics.get', undefined);
      const problems = problemsOf(snapshot.files);
      return `Workspace: ${summaryLine(snapshot.summary)}.\n${renderProblems(problems, { limit: 200 })}`;
    },
  },
  {
    uri: 'sidecar://git',
    name: 'git',
    title: 'Git status',
    description: 'Branch, upstream, operation in progress and changed files.',
    channel: 'git',
    render: async (backend) =>
      renderStatus((await backend.call('git.status', undefined)) as GitStatus),
  },
  {
    uri: 'sidecar://validation',
    name: 'validation',
    title: 'Validation',
    description: "Each check's state and its latest verdict with problems.",
    channel: 'validation',
    async render(backend) {
      const { snapshot } = await backend.catchUp('validation');
      const state = (snapshot ?? { validators: [], results: {} }) as ValidationSnapshot;
      if (state.validators.length === 0) return 'No checks are configured or detected.';
      const lines = state.validators.map(
        (v) => `${v.tool}: ${v.state}${v.message ? ` — ${v.message}` : ''}`,
      );
      const results = Object.values(state.results);
      if (results.length > 0) lines.push('Latest verdicts:', renderRuns(results, 200));
      return lines.join('\n');
    },
  },
  {
    uri: 'sidecar://system',
    name: 'system',
    title: 'Sidecar',
    description: 'The sidecar: version, root, and the state of each source.',
    channel: 'system',
    async render(backend) {
      const info = await backend.info();
      return [
        `sidecar ${info.version}, root ${info.root}, epoch ${info.epoch}, ${info.clients} clients`,
        ...info.sources.map((s) => `${s.name}: ${s.state}${s.message ? ` — ${s.message}` : ''}`),
      ].join('\n');
    },
  },
];

/** Registers the resources and their subscriptions; returns what stops every subscription. */
export function registerResources(server: McpServer, backend: SidecarBackend): () => void {
  for (const resource of RESOURCES) {
    server.registerResource(
      resource.name,
      resource.uri,
      { title: resource.title, description: resource.description, mimeType: 'text/plain' },
      async (uri) => ({
        contents: [{ uri: uri.href, mimeType: 'text/plain', text: await resource.render(backend) }],
      }),
    );
  }

  const subscriptions = new Map<string, Promise<() => void>>();
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const { uri } = request.params;
    const resource = RESOURCES.find((r) => r.uri === uri);
    if (!resource)
      throw new Error(`no resource ${uri}; there are ${RESOURCES.map((r) => r.uri).join(', ')}`);
    if (!subscriptions.has(uri)) {
      let timer: NodeJS.Timeout | undefined;
      const following = backend.follow(resource.channel, () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          server.server.sendResourceUpdated({ uri }).catch(() => undefined);
        }, UPDATE_COALESCE_MS);
      });
      subscriptions.set(
        uri,
        following.then((stop) => () => {
          clearTimeout(timer);
          stop();
        }),
      );
      await following;
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    const stop = subscriptions.get(request.params.uri);
    subscriptions.delete(request.params.uri);
    (await stop)?.();
    return {};
  });

  return () => {
    for (const stop of subscriptions.values())
      stop.then(
        (fn) => fn(),
        () => undefined,
      );
    subscriptions.clear();
  };
}
