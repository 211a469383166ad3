import { text } from 'node:stream/consumers';
import { OptionsError } from '../app/options.js';
import { isPublishableChannel } from '../protocol/index.js';
import type { CliIo } from './io.js';
import { findTarget, type TargetFlags } from './target.js';

interface PublishArgs {
  channel: string;
  event: string;
  /** JSON text, `-` for stdin, or undefined for null. */
  data: string | undefined;
}

/** `sidecar publish`: one event through `POST /publish`, the producer API. */
export async function publish(args: PublishArgs, flags: TargetFlags, io: CliIo): Promise<number> {
  if (!isPublishableChannel(args.channel)) {
    throw new OptionsError(`cannot publish on "${args.channel}": use ai-response or custom:<name>`);
  }
  const data = parseData(args.data === '-' ? await text(process.stdin) : args.data);
  const target = await findTarget(flags, io);
  if (!target) return 1;

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let response: Response;
  try {
    response = await fetch(`${target.httpUrl}/publish`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ channel: args.channel, event: args.event, data }),
    });
  } catch (error) {
    io.stderr(`sidecar: cannot reach ${target.httpUrl}: ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as {
    seq?: number;
    error?: { code: string; message: string };
  };
  if (!response.ok) {
    const error = body.error ?? { code: String(response.status), message: response.statusText };
    io.stderr(`sidecar: ${error.code}: ${error.message}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(body)}\n`);
  return 0;
}

function parseData(source: string | undefined): unknown {
  if (source === undefined) return null;
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new OptionsError(`data is not valid JSON: ${(error as Error).message}`);
  }
}
