/** vscode-html-language-server (vscode-langservers-extracted): errors in embedded CSS. */

import { describeConformance, installedCommand } from './conformance.js';

const page = (css: string) =>
  `<!doctype html>\n<html>\n<head><style>\n${css}\n</style></head>\n<body></body>\n</html>\n`;

describeConformance('vscode-html-language-server', {
  config: {
    name: 'html',
    command: installedCommand('vscode-html-language-server'),
    args: ['--stdio'],
    extensions: ['.html'],
    // Embedded styles are checked with the `css` settings; without a `lint` object they fail.
    settings: {
      html: { validate: { scripts: true, styles: true } },
      css: { validate: true, lint: {} },
    },
  },
  files: {
    'index.html': page('body { color: black; }'),
    'broken.html': page('.title { color red; }'),
  },
  broken: 'broken.html',
  problem: { severity: 'error', message: /./ },
  fixed: page('.title { color: red; }'),
});
