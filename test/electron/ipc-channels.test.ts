import { describe, expect, it } from 'vitest';
import {
  CALL_CHANNELS,
  EVENT_CHANNELS,
  EVERY_CALL_LISTED,
  EVERY_EVENT_LISTED,
  callChannel,
  eventChannel,
  methodName,
} from '../../shared/ipc-channels';
import { callChannelName, callMethodName, callSchemas, eventChannelName } from '../../shared/ipc';

describe('shared/ipc-channels', () => {
  it('lists exactly the call channels of the contract', () => {
    expect([...CALL_CHANNELS].sort()).toEqual(Object.keys(callSchemas).sort());
    expect(new Set(CALL_CHANNELS).size).toBe(CALL_CHANNELS.length);
    expect([EVERY_CALL_LISTED, EVERY_EVENT_LISTED]).toEqual([true, true]);
  });

  it('names channels and methods exactly as shared/ipc.ts does', () => {
    for (const c of CALL_CHANNELS) {
      expect(callChannel(c)).toBe(callChannelName(c));
      expect(methodName(c)).toBe(callMethodName(c));
    }
    for (const e of EVENT_CHANNELS) expect(eventChannel(e)).toBe(eventChannelName(e));
  });

  it('gives every call a distinct method name', () => {
    expect(new Set(CALL_CHANNELS.map((c) => methodName(c))).size).toBe(CALL_CHANNELS.length);
  });
});
