import type { Server } from 'node:http';

export interface ListenOptions {
  host: string;
  port: number;
  /** Fail when the port is taken instead of trying the next ones. */
  strictPort: boolean;
  /** How many ports to try in all, starting at `port`. */
  tries?: number;
}

/** Listens on `port`, or on the next free one (like vite), and returns the port it got. */
export async function listenWithRetry(server: Server, options: ListenOptions): Promise<number> {
  const tries = options.strictPort || options.port === 0 ? 1 : (options.tries ?? 10);
  for (let attempt = 0; attempt < tries; attempt++) {
    const port = options.port + attempt;
    try {
      await listenOnce(server, options.host, port);
      const address = server.address();
      return typeof address === 'object' && address ? address.port : port;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || attempt === tries - 1 || port >= 65535) {
        throw portError(error as NodeJS.ErrnoException, options, port);
      }
    }
  }
  throw new Error('unreachable');
}

function listenOnce(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function portError(error: NodeJS.ErrnoException, options: ListenOptions, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    const message = options.strictPort
      ? `port ${port} is already in use (--strict-port is set)`
      : `ports ${options.port}-${port} are all in use; pass --port to pick another`;
    return Object.assign(new Error(message), { code: 'EADDRINUSE' });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return Object.assign(new Error(`cannot listen on host "${options.host}": ${error.code}`), {
      code: error.code,
    });
  }
  if (error.code === 'EACCES') {
    return Object.assign(new Error(`no permission to listen on port ${port}`), {
      code: error.code,
    });
  }
  return error;
}
