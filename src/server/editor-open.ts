import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SidecarError } from '../core/errors.js';
import { defineMethod, type MethodCaller, type MethodDefinition } from '../core/methods.js';
import type { EditorOpenResult, ProviderInfo } from '../protocol/index.js';
import { openInUserEditor } from './launch-editor.js';
import { toRootRelative } from './root-path.js';

/*
 * `editor.open {file, line?, column?}`: a file of the workspace opened in the editor — by the
 * client that provides `editor.open` (an IDE extension) when there is one, else by the sidecar
 * itself through launch-editor. Only files inside the root, whoever asks.
 */

export interface EditorOpenDeps {
  root: string;
  providers: {
    list(): ProviderInfo[];
    route(method: string, params: unknown, caller: MethodCaller): Promise<unknown>;
  };
  /** Opens a file in the user's editor; launch-editor unless a test says otherwise. */
  launch?: (path: string, line?: number, column?: number) => Promise<void>;
}

const params = z.object({
  file: z.string().min(1).max(4096),
  line: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
});

export function createEditorOpenMethod(deps: EditorOpenDeps): MethodDefinition {
  const launch = deps.launch ?? openInUserEditor;

  /** The file as a root-relative path, once it is known to exist inside the root. */
  async function confine(file: string): Promise<string> {
    const relative = toRootRelative(deps.root, file);
    if (relative === undefined) {
      throw new SidecarError('FORBIDDEN', `"${file}" is outside the workspace root`, { file });
    }
    const path = join(deps.root, relative);
    let real: string;
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
      real = await realpath(path);
    } catch {
      throw new SidecarError('INVALID_PARAMS', `no file "${relative}" in the workspace`, {
        file: relative,
      });
    }
    // A symbolic link inside the root may lead out of it.
    if (toRootRelative(await realpath(deps.root), real) === undefined) {
      throw new SidecarError('FORBIDDEN', `"${relative}" leads outside the workspace root`, {
        file: relative,
      });
    }
    return relative;
  }

  return defineMethod({
    name: 'editor.open',
    params,
    async handler({ file, line, column }, caller): Promise<EditorOpenResult> {
      const relative = await confine(file);
      const provider = deps.providers.list().find((p) => p.method === 'editor.open');
      if (provider) {
        const forwarded = {
          file: relative,
          ...(line ? { line } : {}),
          ...(column ? { column } : {}),
        };
        try {
          await deps.providers.route('editor.open', forwarded, caller);
          return { opened: true, by: 'provider', clientId: provider.clientId };
        } catch (error) {
          // It left between the look-up and the call: the fallback still opens the file.
          if (!(error instanceof SidecarError && error.code === 'UNAVAILABLE')) throw error;
        }
      }
      await launch(join(deps.root, relative), line, column);
      return { opened: true, by: 'launch-editor' };
    },
  });
}
