/** vscode-css-language-server (vscode-langservers-extracted): CSS syntax errors. */

import { describeConformance, installedCommand } from './conformance.js';

describeConformance('vscode-css-language-server', {
  config: {
    name: 'css',
    command: installedCommand('vscode-css-language-server'),
    args: ['--stdio'],
    extensions: ['.css', '.scss', '.less'],
    // Asked for by language id; without a `lint` object the server fails to validate.
    settings: {
      css: { validate: true, lint: {} },
      scss: { validate: true, lint: {} },
      less: { validate: true, lint: {} },
    },
  },
  files: {
    'site.css': 'body { color: black; }\n',
    'broken.css': '.title { color red; }\n',
  },
  broken: 'broken.css',
  problem: { severity: 'error', message: /./ },
  fixed: '.title { color: red; }\n',
});
