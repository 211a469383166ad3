/**
 * The built-in TypeScript server (typescript-language-server and tsserver): no `lsp` entry. The
 * project check is off here, so tsserver itself checks every file (with the check on, tsserver
 * runs only for files outside the projects; typescript-project-check.test.ts covers that).
 */

import { describeConformance } from './conformance.js';

const MODEL = 'export interface User {\n  name: string;\n  age: number;\n}\n';

describeConformance('typescript-language-server', {
  options: { typescriptProjectCheck: false },
  files: {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
    }),
    'model.ts': MODEL,
    'view.ts': `import type { User } from './model.js';\n\nexport const alice: User = { name: 'Alice', age: 42 };\n`,
    'broken.ts': `export const count: number = 'three';\n`,
  },
  broken: 'broken.ts',
  problem: {
    severity: 'error',
    code: 2322,
    message: "Type 'string' is not assignable to type 'number'.",
  },
  fixed: 'export const count: number = 3;\n',
  crossFile: {
    file: 'model.ts',
    text: MODEL.replace('age: number', 'age: string'),
    importer: 'view.ts',
    message: "Type 'number' is not assignable to type 'string'.",
  },
});
