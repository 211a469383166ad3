import { runCli } from './program.js';

/** Entry point of the `sidecar` bin. */
runCli(process.argv.slice(2)).then(
  (code) => {
    // A command that is still running (serve, tail) keeps the process alive by itself.
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `sidecar: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
