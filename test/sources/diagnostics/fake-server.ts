/**
 * A tiny stdio language server for the cases a real one cannot show on demand: crashing,
 * sending garbage, never answering `initialize`, flooding; and a well-behaved mode that offers
 * pull diagnostics. The test writes it into its temp folder and configures it in `lsp`.
 *
 * Its checker is trivial: every line containing `ERROR` is an error diagnostic whose message
 * is the line. A file containing `CONFIG` also gets an info diagnostic holding what the client
 * answered to `workspace/configuration`, so a test can see the answer. A file containing
 * `FLICKER` gets a hint after every odd-numbered change of any file, and is republished on each
 * change, as tsserver's deprecation hints come and go in files nobody edited.
 *
 * Mode `gated` lets a test order the answers: it offers pull diagnostics and also pushes every
 * document as it opens or changes, except one containing `HOLD`, whose pull it answers only once
 * a document containing `RELEASE` opens or changes.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type FakeServerMode =
  | 'push'
  | 'pull'
  | 'gated'
  | 'crash'
  | 'garbage'
  | 'not-jsonrpc'
  | 'hang'
  | 'flood';

const SOURCE = String.raw`'use strict';
const mode = process.argv[2];
let buffer = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
const documents = new Map();
let config = null;
let changes = 0;
const held = [];

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
  process.stdout.write('Content-Length: ' + body.length + '\r\n\r\n');
  process.stdout.write(body);
}
function request(method, params) {
  const id = 'srv' + nextId++;
  send({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}
function check(uri) {
  const text = documents.get(uri) || '';
  const items = [];
  text.split('\n').forEach((line, index) => {
    if (line.includes('ERROR')) {
      items.push({ range: { start: { line: index, character: 0 }, end: { line: index, character: line.length } },
        severity: 1, message: line.trim(), source: 'fake', code: 'E1' });
    }
  });
  if (text.includes('FLICKER') && changes % 2 === 1) {
    items.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } },
      severity: 4, message: 'flickering hint', tags: [2] });
  }
  if (text.includes('CONFIG')) {
    items.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 3, message: 'config ' + JSON.stringify(config) });
  }
  return items;
}
function publish(uri) {
  const text = documents.get(uri) || '';
  if (mode === 'gated' && text.includes('RELEASE')) {
    for (const [id, heldUri] of held.splice(0)) send({ id, result: { kind: 'full', items: check(heldUri) } });
  }
  if (mode === 'push' || (mode === 'gated' && !text.includes('HOLD'))) {
    send({ method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: check(uri) } });
  }
}
async function initialized() {
  config = await request('workspace/configuration', { items: [{ section: 'fake.level' }, { section: 'missing' }] });
  for (const uri of documents.keys()) publish(uri);
  await request('window/workDoneProgress/create', { token: 'p1' });
  send({ method: '$/progress', params: { token: 'p1', value: { kind: 'begin', title: 'Indexing fake files' } } });
  setTimeout(() => send({ method: '$/progress', params: { token: 'p1', value: { kind: 'end' } } }), 300);
  if (mode === 'flood') {
    const burst = () => {
      for (let i = 0; i < 500; i++) send({ method: 'window/logMessage', params: { type: 4, message: 'flood ' + i } });
      setImmediate(burst);
    };
    burst();
  }
}
function handle(message) {
  if (message.id !== undefined && !message.method) {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    if (resolve) resolve(message.result);
    return;
  }
  switch (message.method) {
    case 'initialize':
      if (mode === 'hang') return;
      if (mode === 'garbage') { process.stdout.write('Content-Length: 9\r\n\r\n{not json'); return; }
      if (mode === 'not-jsonrpc') { const body = '{"hello":"world"}'; process.stdout.write('Content-Length: ' + body.length + '\r\n\r\n' + body); return; }
      send({ id: message.id, result: { capabilities: {
        textDocumentSync: 1,
        ...(mode === 'pull' || mode === 'gated' ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      }, serverInfo: { name: 'fake' } } });
      return;
    case 'initialized': initialized(); return;
    case 'textDocument/didOpen':
      documents.set(message.params.textDocument.uri, message.params.textDocument.text);
      publish(message.params.textDocument.uri);
      return;
    case 'textDocument/didChange':
      documents.set(message.params.textDocument.uri, message.params.contentChanges[0].text);
      changes++;
      publish(message.params.textDocument.uri);
      for (const [uri, text] of documents) {
        if (uri !== message.params.textDocument.uri && text.includes('FLICKER')) publish(uri);
      }
      return;
    case 'textDocument/didClose':
      documents.delete(message.params.textDocument.uri);
      return;
    case 'textDocument/diagnostic':
      if (mode === 'gated' && (documents.get(message.params.textDocument.uri) || '').includes('HOLD')) {
        held.push([message.id, message.params.textDocument.uri]);
        return;
      }
      send({ id: message.id, result: { kind: 'full', items: check(message.params.textDocument.uri) } });
      return;
    case 'shutdown': send({ id: message.id, result: null }); return;
    case 'exit': process.exit(0);
    default:
      if (message.id !== undefined) send({ id: message.id, error: { code: -32601, message: 'no ' + message.method } });
  }
}
if (mode === 'crash') {
  process.stderr.write('fake server: boom\n');
  process.exit(3);
}
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end === -1) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString();
    buffer = buffer.subarray(end + 4 + length);
    handle(JSON.parse(body));
  }
});
`;

/** Writes the fake server into `dir`; returns its path. */
export async function writeFakeServer(dir: string): Promise<string> {
  const path = join(dir, 'fake-lsp.cjs');
  await writeFile(path, SOURCE);
  return path;
}

/** An `lsp` entry that runs the fake server in `mode` for `.txt` files. */
export function fakeServerConfig(name: string, script: string, mode: FakeServerMode) {
  return {
    name,
    command: process.execPath,
    args: [script, mode],
    extensions: ['.txt'],
    settings: { fake: { level: 'strict' } },
  };
}
