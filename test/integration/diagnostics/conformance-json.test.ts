/** vscode-json-language-server (vscode-langservers-extracted): JSON syntax errors. */

import { describeConformance, installedCommand } from './conformance.js';

describeConformance('vscode-json-language-server', {
  config: {
    name: 'json',
    command: installedCommand('vscode-json-language-server'),
    args: ['--stdio'],
    extensions: ['.json'],
  },
  files: {
    'package.json': '{ "name": "demo", "private": true }\n',
    'broken.json': '{ "name": "demo" "version": 1 }\n',
  },
  broken: 'broken.json',
  problem: { severity: 'error', message: /./ },
  fixed: '{ "name": "demo", "version": 1 }\n',
});
