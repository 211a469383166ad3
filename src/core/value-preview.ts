/** How many characters of a value an error message shows. */
export const PREVIEW_LENGTH = 60;

/**
 * A value as JSON-like text for an error message, cut to `maxLength` characters with `…`.
 * It never throws and reads no more of the value than it shows, so a huge, deeply nested or
 * circular value (from a config file, a client frame, a child process) costs little and cannot
 * overflow the stack.
 */
export function previewValue(value: unknown, maxLength = PREVIEW_LENGTH): string {
  let text = '';
  const full = () => text.length > maxLength;
  const seen = new Set<object>();

  // Each level writes at least one character before going deeper, so the depth stays below
  // maxLength.
  const write = (item: unknown): void => {
    if (full()) return;
    if (typeof item === 'string') {
      text += JSON.stringify(item.slice(0, maxLength + 1));
    } else if (typeof item === 'bigint') {
      text += `${item}n`;
    } else if (typeof item !== 'object' || item === null) {
      text += typeof item === 'number' || typeof item === 'boolean' ? String(item) : describe(item);
    } else if (seen.has(item)) {
      text += '[Circular]';
    } else {
      seen.add(item);
      if (Array.isArray(item)) writeEntries('[', ']', item, (entry) => write(entry));
      else
        writeEntries('{', '}', ownEntries(item), ([key, entry]) => {
          text += `${JSON.stringify(key.slice(0, maxLength + 1))}:`;
          write(entry);
        });
      seen.delete(item);
    }
  };

  function writeEntries<T>(
    open: string,
    close: string,
    entries: Iterable<T>,
    each: (entry: T) => void,
  ) {
    text += open;
    let first = true;
    for (const entry of entries) {
      if (full()) return;
      if (!first) text += ',';
      first = false;
      each(entry);
    }
    text += close;
  }

  write(value);
  return full() ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** An object's own entries, one at a time: a preview stops long before a huge object ends. */
function* ownEntries(value: object): Generator<[string, unknown]> {
  for (const key in value) {
    if (Object.hasOwn(value, key)) yield [key, (value as Record<string, unknown>)[key]];
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return '[function]';
  return String(value);
}
