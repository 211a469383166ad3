/** Replaces every configured secret in a text, so no message, log line or detail carries one. */
export type Redact = (text: string) => string;

export const REDACTED = '[redacted]';

export function createRedactor(secrets: Iterable<string>): Redact {
  // Longest first, so a secret that contains another is replaced whole.
  const list = [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length);
  return (text) => list.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
