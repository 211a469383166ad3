import type { CliIo } from './program.js';

export async function tail(
  _channels: string[],
  _flags: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  io.stderr('not yet\n');
  return 1;
}
