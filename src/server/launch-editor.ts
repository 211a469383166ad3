import launchEditor from 'launch-editor';
import { SidecarError } from '../core/errors.js';

/** How long a launch may take to fail: a missing command is reported within a few ticks. */
const LAUNCH_FAILURE_WINDOW_MS = 200;

/**
 * Opens `path` at `line`:`column` in the user's editor with `launch-editor` (as Vite and the
 * React and Vue devtools do): `LAUNCH_EDITOR`, else a running editor it recognises, else
 * `VISUAL` / `EDITOR`. With `LAUNCH_EDITOR` set to a script of your own it runs
 * `<script> <path> <line> <column>`. Rejects with UNAVAILABLE when no editor is found or its
 * command cannot be started; a later failure of the editor is only logged by launch-editor.
 */
export function openInUserEditor(path: string, line?: number, column?: number): Promise<void> {
  const target = line === undefined ? path : `${path}:${line}:${column ?? 1}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve();
    }, LAUNCH_FAILURE_WINDOW_MS);
    withoutToken(() =>
      launchEditor(target, (_file, message) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(
          new SidecarError(
            'UNAVAILABLE',
            message
              ? `could not open the editor: ${message}`
              : 'no editor found: set LAUNCH_EDITOR (or EDITOR) to your editor command, or connect an editor extension that provides editor.open',
            { method: 'editor.open' },
          ),
        );
      }),
    );
  });
}

/**
 * Runs `launch` with `SIDECAR_TOKEN` out of the environment: launch-editor starts the editor
 * with the sidecar's whole environment (it takes no other), and the editor has no business
 * seeing the token. launch-editor starts it synchronously, so nothing else runs meanwhile.
 */
function withoutToken(launch: () => void): void {
  const token = process.env.SIDECAR_TOKEN;
  if (token === undefined) {
    launch();
    return;
  }
  delete process.env.SIDECAR_TOKEN;
  try {
    launch();
  } finally {
    process.env.SIDECAR_TOKEN = token;
  }
}
