import type { ServerResponse } from 'node:http';

/** A JSON answer that no cache keeps (the token is one of them). */
export function answerJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
