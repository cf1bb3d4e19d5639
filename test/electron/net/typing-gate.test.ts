import { describe, expect, it } from 'vitest';
import { TypingGate } from '../../../electron/net/typing-gate';

describe('TypingGate', () => {
  it('lets one notice per peer through per interval', () => {
    const gate = new TypingGate(3_000);
    expect(gate.pass('b', 0)).toBe(true);
    expect(gate.pass('b', 2_999)).toBe(false);
    expect(gate.pass('c', 1_000)).toBe(true);
    expect(gate.pass('b', 3_000)).toBe(true);
  });
});
