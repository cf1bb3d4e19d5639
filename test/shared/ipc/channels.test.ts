import { describe, expect, it } from 'vitest';
import {
  CALL_CHANNELS,
  EVERY_CALL_LISTED,
  EVERY_EVENT_LISTED,
  callChannel,
  eventChannel,
  methodName,
} from '../../../shared/ipc/channels';
import { callSchemas } from '../../../shared/ipc/schemas';

describe('shared/ipc/channels', () => {
  it('lists exactly the call channels of the contract', () => {
    expect([...CALL_CHANNELS].sort()).toEqual(Object.keys(callSchemas).sort());
    expect(new Set(CALL_CHANNELS).size).toBe(CALL_CHANNELS.length);
    expect([EVERY_CALL_LISTED, EVERY_EVENT_LISTED]).toEqual([true, true]);
  });

  it('names channels and methods in one namespace', () => {
    expect(callChannel('messages:send')).toBe('packet-chat:call:messages:send');
    expect(eventChannel('message-state')).toBe('packet-chat:event:message-state');
    expect(methodName('messages:markRead')).toBe('messagesMarkRead');
  });

  it('gives every call a distinct method name', () => {
    expect(new Set(CALL_CHANNELS.map((c) => methodName(c))).size).toBe(CALL_CHANNELS.length);
  });
});
