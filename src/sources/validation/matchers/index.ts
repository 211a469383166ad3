import type { ResolvedValidator } from '../validator-config.js';
import type { ProblemMatcher } from './common.js';
import { createCustomMatcher } from './custom.js';
import { matchEslintJson } from './eslint-json.js';
import { matchGeneric } from './generic.js';
import { matchTsc } from './tsc.js';

export {
  createWorkspacePaths,
  type ProblemMatcher,
  type ToolOutput,
  type WorkspacePaths,
} from './common.js';

const BUILTIN: Readonly<Record<string, ProblemMatcher>> = Object.freeze({
  tsc: matchTsc,
  'eslint-json': matchEslintJson,
  generic: matchGeneric,
});

export function matcherFor(matcher: ResolvedValidator['matcher']): ProblemMatcher {
  return typeof matcher === 'string' ? BUILTIN[matcher]! : createCustomMatcher(matcher);
}
