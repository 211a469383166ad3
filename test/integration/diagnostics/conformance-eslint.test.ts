/**
 * vscode-eslint-language-server (vscode-langservers-extracted) with a flat `eslint.config.js`.
 * The server asks for its whole settings object per document (`workspace/configuration`,
 * section ""), so `settings` holds all of it. It loads the workspace's own `eslint`: here a
 * link to the node_modules of this project, which has eslint as a devDependency.
 *
 * No cross-file step: ESLint checks each file on its own (the `import/…` rules that look into
 * other files come from a plugin this project does not install), and a changed
 * `eslint.config.js` reaches the server only as `workspace/didChangeWatchedFiles`, which
 * sidecar does not send.
 */

import { dirname } from 'node:path';
import { describeConformance, installedCommand } from './conformance.js';

describeConformance('vscode-eslint-language-server', {
  config: {
    name: 'eslint',
    command: installedCommand('vscode-eslint-language-server'),
    args: ['--stdio'],
    extensions: ['.js', '.mjs', '.cjs'],
    settings: {
      validate: 'on',
      run: 'onType',
      nodePath: null,
      useFlatConfig: true,
      experimental: { useFlatConfig: false },
      workingDirectory: { mode: 'location' },
      problems: { shortenToSingleLine: false },
      codeAction: {
        disableRuleComment: { enable: false, location: 'separateLine', commentStyle: 'line' },
        showDocumentation: { enable: false },
      },
      codeActionOnSave: { enable: false, mode: 'all' },
      rulesCustomizations: [],
      options: {},
      onIgnoredFiles: 'off',
      quiet: false,
      format: false,
    },
  },
  files: {
    'eslint.config.js': "export default [{ rules: { 'no-debugger': 'error' } }];\n",
    'package.json': '{ "name": "demo", "private": true, "type": "module" }\n',
    'main.js': 'export const answer = 42;\n',
    'broken.js': 'export function stop() {\n  debugger;\n}\n',
  },
  links: { node_modules: dirname(dirname(installedCommand('eslint'))) },
  broken: 'broken.js',
  problem: { severity: 'error', code: 'no-debugger', message: "Unexpected 'debugger' statement." },
  fixed: 'export function stop() {\n  return 1;\n}\n',
});
