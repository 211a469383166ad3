import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Reports how far a long call is; a no-op unless the caller sent a `progressToken`. */
export type ReportProgress = (progress: number, total?: number, message?: string) => void;

export function progressReporter(extra: ToolExtra): ReportProgress {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return () => undefined;
  let last = -1;
  return (progress, total, message) => {
    // The spec wants progress to increase with each notification.
    if (progress <= last) return;
    last = progress;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress,
          ...(total === undefined ? {} : { total }),
          ...(message === undefined ? {} : { message }),
        },
      })
      .catch(() => undefined);
  };
}
