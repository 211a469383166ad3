/**
 * A language server whose LSP machinery (`vscode-languageserver-protocol`: 4 MB of the
 * process's memory in a measured TypeScript workspace, up to 12 MB alone) is loaded when it
 * first starts: a TypeScript workspace whose files all belong to projects never starts
 * tsserver, and a workspace with no language server at all never needs the protocol.
 */

import type { LanguageServer, LanguageServerOptions } from './language-server.js';

export function createLazyLanguageServer(options: LanguageServerOptions): LanguageServer {
  let loaded: LanguageServer | undefined;
  let loading: Promise<void> | undefined;
  /** What was asked last while loading: the loaded server follows it. */
  let wanted = false;

  function load(): Promise<void> {
    loading ??= import('./language-server.js').then(
      ({ createLanguageServer }) => {
        loaded = createLanguageServer(options);
        if (wanted) loaded.start();
      },
      (error: Error) => {
        options.log.error('cannot load the language server client', error);
        options.onState('failed', `cannot load the language server client: ${error.message}`);
      },
    );
    return loading;
  }

  return {
    name: options.spec.name,
    get pid() {
      return loaded?.pid;
    },
    start() {
      wanted = true;
      if (loaded) loaded.start();
      else void load();
    },
    async stop() {
      wanted = false;
      await loading;
      if (loaded) await loaded.stop();
      else options.onState('stopped');
    },
  };
}
