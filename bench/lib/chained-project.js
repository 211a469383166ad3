// @ts-check
/**
 * A generated strict TypeScript project for the diagnostics and MCP benchmarks: folders of
 * chained modules (each imports the one before it, so an edit has dependents to recheck), a file
 * that is wrong from the start (its error tells when the first check is done) and the file the
 * edits go to.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file the benchmarks edit; its error, when broken, is at line 4, column 14. */
export const EDITED = 'src/edited.ts';
/** The file wrong from the start, at line 1, column 14. */
export const SEEDED = 'src/seeded.ts';

/**
 * @param {string} root
 * @param {number} count files in all, the two above included
 * @param {{ folderSize: number }} options modules per folder (the length of each chain)
 */
export async function generateChainedProject(root, count, { folderSize }) {
  await writeFile(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', noEmit: true },
      include: ['src'],
    }),
  );
  const modules = count - 2;
  for (let folder = 0; folder * folderSize < modules; folder++) {
    await mkdir(join(root, 'src', `f${folder}`), { recursive: true });
  }
  const writes = [];
  for (let i = 0; i < modules; i++) {
    const folder = Math.floor(i / folderSize);
    const previous = i % folderSize === 0 ? undefined : i - 1;
    writes.push(writeFile(join(root, 'src', `f${folder}`, `m${i}.ts`), moduleFile(i, previous)));
  }
  await Promise.all(writes);
  await writeFile(join(root, SEEDED), `export const seeded: number = 'not a number';\n`);
  await writeFile(join(root, EDITED), editedFile(-1, false));
}

/**
 * @param {number} i
 * @param {number | undefined} previous
 */
function moduleFile(i, previous) {
  const base =
    previous === undefined
      ? 'interface Base {\n  id: number;\n}\n'
      : `import { type Item${previous}, make${previous} } from './m${previous}.js';\n`;
  const parent = previous === undefined ? 'Base' : `Item${previous}`;
  return `${base}
export interface Item${i} extends ${parent} {
  name${i}: string;
  tags${i}: readonly string[];
}

export function make${i}(id: number): Item${i} {
  const parent: ${parent} = ${previous === undefined ? '{ id }' : `make${previous}(id)`};
  return { ...parent, id, name${i}: \`item \${id}\`, tags${i}: [String(id)] } as Item${i};
}

export function total${i}(items: Item${i}[]): number {
  return items.reduce((sum, item) => sum + item.id + item.name${i}.length, 0);
}

export const sample${i} = total${i}([make${i}(${i})]);
`;
}

/**
 * The edited file: it uses a generated module, and `broken` adds a type error at line 4,
 * column 14.
 *
 * @param {number} edit
 * @param {boolean} broken
 */
export function editedFile(edit, broken) {
  const wrong = broken ? `export const wrong${edit}: number = 'edit ${edit}';\n` : '';
  return `import { make0 } from './f0/m0.js';\n\nexport const first = make0(${edit + 1});\n${wrong}`;
}
