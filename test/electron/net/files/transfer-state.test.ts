import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../../electron/net/files/rate-meter';
import {
  isFinal,
  nextState,
  type TransferEvent,
} from '../../../../electron/net/files/transfer-state';
import { TRANSFER_STATES, type TransferState } from '../../../../shared/files/types';

const ALLOWED: [TransferState, TransferEvent, TransferState][] = [
  ['offered', 'accept', 'accepted'],
  ['offered', 'decline', 'declined'],
  ['offered', 'cancel', 'cancelled'],
  ['accepted', 'start', 'active'],
  ['accepted', 'pause', 'paused'],
  ['active', 'pause', 'paused'],
  ['active', 'complete', 'done'],
  ['active', 'fail', 'failed'],
  ['active', 'cancel', 'cancelled'],
  ['paused', 'resume', 'active'],
  ['paused', 'cancel', 'cancelled'],
  ['failed', 'retry', 'active'],
];

describe('transfer state machine', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, event, to) => {
    expect(nextState(from, event)).toBe(to);
  });

  it.each([
    ['offered', 'start'],
    ['offered', 'complete'],
    ['paused', 'complete'],
    ['declined', 'accept'],
    ['done', 'retry'],
    ['done', 'cancel'],
    ['cancelled', 'resume'],
  ] as const)('refuses %s --%s-->', (from, event) => {
    expect(nextState(from, event)).toBeUndefined();
  });

  it('final states take no event', () => {
    const events: TransferEvent[] = [
      'accept',
      'decline',
      'start',
      'pause',
      'resume',
      'complete',
      'fail',
      'retry',
      'cancel',
    ];
    for (const state of TRANSFER_STATES.filter(isFinal))
      for (const event of events) expect(nextState(state, event)).toBeUndefined();
  });
});

describe('RateMeter', () => {
  it('measures bytes per second over the last few seconds', () => {
    const meter = new RateMeter();
    for (let t = 0; t <= 2_000; t += 100) meter.add(t, t * 1_000);
    expect(meter.rate(2_000)).toBe(1_000_000);
    expect(meter.rate(10_000)).toBe(0);
  });
});
