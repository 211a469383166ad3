/**
 * Runs one validator process with the core runner (`core/run-process.ts`: argument array, own
 * process group, output cap, timeout, cancellation), with color off.
 */

import {
  type ProcessRunOptions as CoreRunOptions,
  type ProcessResult,
  runProcess as runToEnd,
} from '../../core/run-process.js';

export type { ProcessResult };

export interface ProcessRunOptions extends Omit<CoreRunOptions, 'env' | 'baseEnv'> {
  /** The environment to start from (`process.env` when left out); the token is removed. */
  env?: NodeJS.ProcessEnv;
}

/** Color off: line matchers read plain text, and most tools honor one of these. */
const PLAIN_OUTPUT = { NO_COLOR: '1', FORCE_COLOR: '0' };

export function runProcess(options: ProcessRunOptions): Promise<ProcessResult> {
  const { env, ...rest } = options;
  return runToEnd({ ...rest, env: PLAIN_OUTPUT, ...(env ? { baseEnv: env } : {}) });
}
