// @ts-check
/**
 * Demo content for the dashboard screenshots: stand-ins for the diagnostics, git, validation,
 * search and AI sources with the state of a small TypeScript web app in the middle of a change.
 * They speak the protocol's event shapes; they are not product code (the real sources replace
 * them in the screenshots once they are on main).
 */
import { z } from 'zod';
import { defineMethod } from '../dist/index.js';

/**
 * @param {string} name
 * @param {import('../dist/index.js').Channel} channel
 * @param {{ snapshot?: () => unknown, methods?: import('../dist/index.js').MethodDefinition[] }} [extra]
 */
function demoSource(name, channel, extra = {}) {
  /** @type {import('../dist/index.js').SourceContext | undefined} */
  let ctx;
  return {
    name,
    channel,
    ...extra,
    /** @param {import('../dist/index.js').SourceContext} context */
    async start(context) {
      ctx = context;
    },
    async stop() {},
    /** @param {string} event @param {unknown} data */
    emit(event, data) {
      ctx?.emit(event, data);
    },
  };
}

/** @param {number} line @param {number} character @param {'error' | 'warning' | 'info' | 'hint'} severity @param {string} message @param {number} code */
const diagnostic = (line, character, severity, message, code) => ({
  range: { start: { line, character }, end: { line, character: character + 8 } },
  severity,
  message,
  code,
  source: 'ts',
});

export const DIAGNOSTICS = [
  {
    file: 'src/api/client.ts',
    diagnostics: [
      diagnostic(
        40,
        22,
        'error',
        "Argument of type 'string | undefined' is not assignable to parameter of type 'string'.",
        2345,
      ),
      diagnostic(12, 8, 'warning', "'retries' is declared but its value is never read.", 6133),
    ],
  },
  {
    file: 'src/cart/Cart.tsx',
    diagnostics: [
      diagnostic(87, 14, 'error', "Type 'number' is not assignable to type 'string'.", 2322),
    ],
  },
  {
    file: 'src/cart/validate.ts',
    diagnostics: [diagnostic(3, 0, 'hint', "'CartLine' is declared but never used.", 6196)],
  },
].map(({ file, diagnostics }) => ({
  file,
  uri: `file:///acme-web/${file}`,
  server: 'typescript',
  diagnostics,
  summary: { errors: 2, warnings: 1, infos: 0, hints: 1 },
}));

export const GIT_STATUS = {
  branch: 'feature/checkout-flow',
  head: {
    sha: '8c41f7a2d9e0b3c5a6f1e2d3c4b5a6978812ab34',
    subject: 'Validate the cart before checkout',
  },
  detached: false,
  ahead: 2,
  behind: 0,
  staged: ['src/cart/validate.ts'],
  modified: ['src/api/client.ts', 'src/cart/Cart.tsx'],
  untracked: ['src/cart/validate.test.ts'],
  conflicted: [],
  operation: null,
};

export const VALIDATION = {
  tsc: {
    runId: 'tsc-14',
    tool: 'tsc',
    ok: false,
    exitCode: 2,
    durationMs: 2140,
    problems: DIAGNOSTICS.slice(0, 2).flatMap(({ file, diagnostics }) =>
      diagnostics
        .filter((item) => item.severity === 'error')
        .map((item) => ({
          file,
          line: item.range.start.line + 1,
          column: item.range.start.character + 1,
          severity: item.severity,
          message: item.message,
          code: `TS${item.code}`,
        })),
    ),
  },
  eslint: {
    runId: 'eslint-9',
    tool: 'eslint',
    ok: true,
    exitCode: 0,
    durationMs: 1310,
    problems: [],
  },
};

/** Lines of the demo workspace that the search finds. */
const SEARCHABLE = {
  'src/api/client.ts': [
    'export async function fetchJson<T>(path: string): Promise<T> {',
    '  return fetchJson<Cart>(cartPath(id));',
  ],
  'src/cart/Cart.tsx': [
    "import { fetchJson } from '../api/client';",
    '    fetchJson<Totals>(totalsPath(cart)).then(setTotals);',
  ],
  'src/checkout/submit.ts': [
    '  const order = await fetchJson<Order>(`/orders`, { method: "POST", body });',
  ],
};

export function createDemoSources() {
  const diagnostics = demoSource('diagnostics', 'diagnostics', {
    snapshot: () => ({ files: DIAGNOSTICS }),
  });
  const git = demoSource('git', 'git', { snapshot: () => GIT_STATUS });
  const validation = demoSource('validation', 'validation', { snapshot: () => VALIDATION });
  const ai = demoSource('ai', 'ai-response');
  const search = demoSource('search', 'search', {
    methods: [
      defineMethod({
        name: 'search.start',
        params: z.looseObject({ query: z.string().min(1) }),
        handler: ({ query }) => {
          const searchId = 'demo-search';
          const results = Object.entries(SEARCHABLE).flatMap(([file, lines]) =>
            lines.flatMap((text, index) => {
              const start = text.indexOf(query);
              return start < 0
                ? []
                : [
                    {
                      file,
                      line: 12 + index * 17,
                      column: start,
                      text,
                      matches: [{ start, end: start + query.length }],
                    },
                  ];
            }),
          );
          setTimeout(() => {
            search.emit('progress', { searchId, query, filesSearched: 214 });
            search.emit('results', { searchId, query, results });
            search.emit('done', {
              searchId,
              query,
              count: results.length,
              filesSearched: 214,
              durationMs: 38,
              truncated: false,
              cancelled: false,
            });
          }, 50);
          return { searchId };
        },
      }),
    ],
  });
  return { diagnostics, git, validation, search, ai };
}
