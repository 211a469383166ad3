/** pyright (`pyright-langserver`): pull diagnostics registered dynamically, three times. */

import { describeConformance, installedCommand } from './conformance.js';

const MODEL = `class User:
    def __init__(self, name: str, age: int) -> None:
        self.name = name
        self.age = age
`;

describeConformance('pyright', {
  config: {
    name: 'pyright',
    command: installedCommand('pyright-langserver'),
    args: ['--stdio'],
    extensions: ['.py', '.pyi'],
    settings: { python: { analysis: { typeCheckingMode: 'standard' } } },
  },
  files: {
    'model.py': MODEL,
    'view.py': `from model import User

alice = User("Alice", 42)
years: int = alice.age
`,
    'broken.py': 'count: int = "three"\n',
  },
  broken: 'broken.py',
  problem: { severity: 'error', message: /"Literal\['three'\]" is not assignable to "int"/ },
  fixed: 'count: int = 3\n',
  crossFile: {
    file: 'model.py',
    text: MODEL.replace('age: int) -> None', 'age: str) -> None').replace(
      'self.age = age',
      'self.age: str = age',
    ),
    importer: 'view.py',
    message: /is not assignable to/,
  },
});
