/**
 * JSON text that encodes a `T`, written by hand rather than by `JSON.stringify` of a `T` (the
 * search's results are built straight from ripgrep's already-escaped output). The type keeps
 * what the text holds, so an event's hand-built data is still checked against the protocol.
 */
export type JsonText<T> = string & { readonly __jsonOf: T };

/** Marks `text` as the JSON of a `T`: the caller answers for its layout. */
export function asJsonText<T>(text: string): JsonText<T> {
  return text as JsonText<T>;
}

/** `JSON.stringify` of a `T`, typed as its JSON text. */
export function toJsonText<T>(value: T): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}
