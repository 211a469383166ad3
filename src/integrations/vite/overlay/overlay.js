// The sidecar's in-page overlay, injected by `sidecar/vite`: the workspace's diagnostics and
// validation problems as they change, with file:line links that open the editor. Plain ES
// module, served by the plugin next to the client library it imports.
import { connect } from './lib/client/index.js';

const PREFIX = new URL('./', import.meta.url).pathname;

/** The token comes from a same-origin endpoint, never a URL; it travels as a subprotocol. */
async function start() {
  const answer = await fetch(`${PREFIX}token`, { credentials: 'same-origin' });
  if (!answer.ok) return;
  const { token } = await answer.json();
  const protocols = token ? ['sidecar', `sidecar-token.${token}`] : ['sidecar'];
  class TokenSocket extends WebSocket {
    constructor(url) {
      super(url, protocols);
    }
  }
  const url = new URL(`${PREFIX}ws`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = connect({ url: url.href, WebSocket: TokenSocket });
  // `editor.open`: the IDE extension that provides it, else the sidecar's launch-editor.
  const view = createView((problem) =>
    client
      .request('editor.open', { file: problem.file, line: problem.line, column: problem.column })
      .catch(() => undefined),
  );
  let diagnostics = null;
  let validation = null;
  const render = () => view.show(problemsOf(diagnostics, validation));
  client.watch('diagnostics', (state) => {
    diagnostics = state;
    render();
  });
  client.watch('validation', (state) => {
    validation = state;
    render();
  });
}

const SHOWN = new Set(['error', 'warning']);

/** Errors and warnings from both channels, as one list: file, line, column, message, source. */
function problemsOf(diagnostics, validation) {
  const problems = [];
  for (const [file, list] of diagnostics?.files ?? []) {
    for (const d of list) {
      if (!SHOWN.has(d.severity)) continue;
      problems.push({
        file,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: d.severity,
        message: d.message,
        source: d.source ?? d.server,
      });
    }
  }
  for (const tool of validation?.tools.values() ?? []) {
    const latest = tool.latest;
    if (!latest || latest.cancelled) continue;
    for (const p of latest.problems) {
      if (!SHOWN.has(p.severity)) continue;
      problems.push({
        file: p.file,
        line: p.line,
        column: p.column,
        severity: p.severity,
        message: p.message,
        source: tool.tool,
      });
    }
  }
  return problems;
}

const STYLE = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; max-width: min(720px, 90vw);
  max-height: 50vh; overflow: auto; background: #1e1e1e; color: #eee; border-left: 4px solid #e5484d;
  font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; border-radius: 6px; padding: 8px 12px;
  box-shadow: 0 4px 16px rgba(0,0,0,.4); }
.panel[hidden] { display: none; }
header { display: flex; justify-content: space-between; gap: 12px; font-weight: bold; margin-bottom: 6px; }
button { all: unset; cursor: pointer; color: #8ab4f8; }
li { list-style: none; margin: 4px 0; }
ul { margin: 0; padding: 0; }
.warning { color: #f5d90a; } .error { color: #ff6369; }
.message { white-space: pre-wrap; }
`;

/** A shadow-DOM panel, so the app's styles and ours never mix. */
function createView(onOpen) {
  const host = document.createElement('sidecar-overlay');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const panel = document.createElement('section');
  panel.className = 'panel';
  panel.setAttribute('role', 'status');
  panel.hidden = true;
  const header = document.createElement('header');
  const title = document.createElement('span');
  const close = document.createElement('button');
  close.textContent = 'hide';
  let dismissed = '';
  let current = '';
  close.addEventListener('click', () => {
    dismissed = current;
    panel.hidden = true;
  });
  header.append(title, close);
  const list = document.createElement('ul');
  panel.append(header, list);
  root.append(style, panel);
  document.body.append(host);
  return {
    show(problems) {
      current = JSON.stringify(problems);
      list.replaceChildren(
        ...problems.map((problem) => {
          const item = document.createElement('li');
          const link = document.createElement('button');
          link.className = problem.severity;
          link.textContent = `${problem.file}:${problem.line}:${problem.column}`;
          link.title = 'open in the editor';
          link.addEventListener('click', () => onOpen(problem));
          const message = document.createElement('span');
          message.className = 'message';
          message.textContent = ` ${problem.message} (${problem.source})`;
          item.append(link, message);
          return item;
        }),
      );
      const errors = problems.filter((p) => p.severity === 'error').length;
      title.textContent = `sidecar: ${errors} error(s), ${problems.length - errors} warning(s)`;
      // Hidden while there is nothing to show, and after "hide" until the problems change.
      panel.hidden = problems.length === 0 || current === dismissed;
    },
  };
}

start().catch((error) => console.warn('sidecar overlay:', error));
