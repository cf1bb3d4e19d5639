import { describe, expect, it } from 'vitest';
import {
  HandshakeWindow,
  MAX_WINDOW,
  MIN_WINDOW,
  SLOW_ANSWER_MS,
} from '../../../electron/net/handshake-window';

describe('HandshakeWindow', () => {
  it('starts at 8 and grows by about one per window of timely answers, up to its maximum', () => {
    const window = new HandshakeWindow();
    expect(window.size).toBe(8);
    for (let i = 0; i < 8; i += 1) window.answered(5, i);
    expect(window.size).toBe(8); // each step is 1/window: eight of them fall just short of 9
    window.answered(5, 9);
    expect(window.size).toBe(9);
    for (let i = 0; i < 1_000; i += 1) window.answered(5, 10 + i);
    expect(window.size).toBe(MAX_WINDOW);
  });

  it('halves on a slow answer, at most once per SLOW_ANSWER_MS', () => {
    const window = new HandshakeWindow();
    window.answered(SLOW_ANSWER_MS, 10_000);
    expect(window.size).toBe(4);
    window.answered(SLOW_ANSWER_MS * 3, 10_000 + SLOW_ANSWER_MS - 1); // the same slow spell
    expect(window.size).toBe(4);
    window.answered(SLOW_ANSWER_MS * 3, 10_000 + SLOW_ANSWER_MS);
    expect(window.size).toBe(2);
    for (let i = 1; i <= 5; i += 1)
      window.answered(SLOW_ANSWER_MS, 10_000 + SLOW_ANSWER_MS * (1 + i));
    expect(window.size).toBe(MIN_WINDOW);
    window.answered(SLOW_ANSWER_MS - 1, 20_000); // in time again: it grows back
    expect(window.size).toBe(2);
  });

  it('holds a place without an answer as long as answers take: 1 s on a LAN, up to 10 s', () => {
    const window = new HandshakeWindow();
    expect(window.holdMs).toBe(1_000);
    for (let i = 0; i < 20; i += 1) window.answered(3, i);
    expect(window.holdMs).toBe(1_000); // a few ms of latency: the floor
    window.answered(4_000, 100);
    expect(window.holdMs).toBeGreaterThan(4_000); // smoothed latency + 4 × its variation
    for (let i = 0; i < 50; i += 1) window.answered(30_000, 200 + i);
    expect(window.holdMs).toBe(10_000);
  });
});
