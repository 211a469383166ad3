/**
 * `POST /__sidecar/open-in-editor` `{ file, line, column }`: opens a file of the workspace in
 * the editor with `launch-editor` (as Vite's and React's devtools do). Only files under the
 * root: a page cannot make the editor open anything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, relative, resolve } from 'node:path';
import { answerJson } from './answer-json.js';

const MAX_BODY = 4096;

export function openInEditor(request: IncomingMessage, response: ServerResponse, root: string) {
  if (request.method !== 'POST') {
    answerJson(response, 405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' });
    return;
  }
  let body = '';
  let tooLarge = false;
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > MAX_BODY) tooLarge = true;
  });
  request.on('end', () => {
    if (tooLarge) {
      answerJson(response, 413, { code: 'PAYLOAD_TOO_LARGE', message: 'body too large' });
      return;
    }
    const target = parseTarget(body, root);
    if ('code' in target) {
      answerJson(response, 400, target);
      return;
    }
    launch(`${target.path}:${target.line}:${target.column}`).then(
      () => answerJson(response, 200, { opened: true }),
      (error: Error) =>
        answerJson(response, 501, { code: 'EDITOR_UNAVAILABLE', message: error.message }),
    );
  });
}

type Target = { path: string; line: number; column: number };
type TargetError = { code: 'INVALID_PARAMS'; message: string };

export function parseTarget(body: string, root: string): Target | TargetError {
  let parsed: { file?: unknown; line?: unknown; column?: unknown };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { code: 'INVALID_PARAMS', message: 'the body must be JSON { file, line, column }' };
  }
  const { file, line = 1, column = 1 } = parsed ?? {};
  if (typeof file !== 'string' || file === '') {
    return { code: 'INVALID_PARAMS', message: '`file` must be a root-relative path' };
  }
  if (!Number.isInteger(line) || !Number.isInteger(column)) {
    return { code: 'INVALID_PARAMS', message: '`line` and `column` must be integers' };
  }
  const path = resolve(root, file);
  const inside = relative(root, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return { code: 'INVALID_PARAMS', message: '`file` must be inside the root' };
  }
  return { path, line: Math.max(1, line as number), column: Math.max(1, column as number) };
}

/** launch-editor is an optional peer: the overlay works without it, only links do not. */
async function launch(spec: string): Promise<void> {
  let launchEditor: typeof import('launch-editor');
  try {
    launchEditor = (await import('launch-editor')).default;
  } catch {
    throw new Error('install "launch-editor" to open files from the overlay');
  }
  await new Promise<void>((done, fail) => {
    let failed = false;
    launchEditor(spec, (_file, message) => {
      failed = true;
      fail(new Error(message || 'could not open the editor'));
    });
    // A missing editor is reported at once; a later failure goes to launch-editor's own log.
    if (!failed) done();
  });
}
