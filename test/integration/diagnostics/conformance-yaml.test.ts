/** yaml-language-server: YAML syntax errors. */

import { describeConformance, installedCommand } from './conformance.js';

describeConformance('yaml-language-server', {
  config: {
    name: 'yaml',
    command: installedCommand('yaml-language-server'),
    args: ['--stdio'],
    extensions: ['.yaml', '.yml'],
  },
  files: {
    'config.yaml': 'name: demo\nitems:\n  - one\n  - two\n',
    'broken.yaml': 'name: demo\nitems: [one, two\n',
  },
  broken: 'broken.yaml',
  problem: { severity: 'error', message: /./ },
  fixed: 'name: demo\nitems: [one, two]\n',
});
