import { describe, expect, it } from 'vitest';
import { SidecarError } from '../../src/core/errors.js';
import { parseClientMessage } from '../../src/server/messages.js';

function errorOf(text: string): SidecarError {
  try {
    parseClientMessage(text);
  } catch (error) {
    if (error instanceof SidecarError) return error;
    throw error;
  }
  throw new Error('the frame was accepted');
}

describe('parseClientMessage', () => {
  it('names an unknown type with a short preview of it, however large or deep', () => {
    const huge = errorOf(JSON.stringify({ type: 'x'.repeat(500_000), id: 'a' }));
    expect(huge.code).toBe('INVALID_MESSAGE');
    expect(huge.message).toMatch(/^unknown message type "x+…; expected one of subscribe/);
    expect(huge.message.length).toBeLessThan(200);

    const depth = 100_000;
    const deep = errorOf(`{"type":${'['.repeat(depth)}${']'.repeat(depth)},"id":"b"}`);
    expect(deep.code).toBe('INVALID_MESSAGE');
    expect(deep.message).toMatch(/^unknown message type \[\[\[+…; expected one of/);
  });
});
