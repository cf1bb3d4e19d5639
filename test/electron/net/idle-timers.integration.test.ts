import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PacketChatNode } from '../../../electron/net/index';
import { online, startedNodes } from '../../helpers/started-nodes';
import { testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

const { start, hostileSession } = startedNodes();

/** The periods of the intervals set while `during` runs. */
async function intervalsSetDuring(during: () => Promise<void>): Promise<number[]> {
  const periods: number[] = [];
  const real = globalThis.setInterval;
  const spy = vi
    .spyOn(globalThis, 'setInterval')
    .mockImplementation((fn: () => void, ms?: number) => {
      periods.push(ms ?? 0);
      return real(fn, ms);
    });
  try {
    await during();
  } finally {
    spy.mockRestore();
  }
  return periods;
}

afterEach(() => vi.restoreAllMocks());

describe('an idle node', () => {
  it('sets no interval of a second or less until a message waits for an answer', async () => {
    let node: PacketChatNode | undefined;
    const atStart = await intervalsSetDuring(async () => {
      node = await start({ ...testPorts(), tcp: false });
    });
    // Presence expiry (a sixth of the peer timeout) and the like, but nothing every second or
    // faster: not the responsiveness check, the file lanes' log tally or the relay lanes' tick.
    expect(atStart.filter((ms) => ms <= 1_000)).toEqual([]);

    // A peer with a session that never answers: the text waits for an ack, and the check runs.
    const victim = node!;
    const { mallory } = await hostileSession(victim, []);
    await waitUntil(() => online(victim, mallory.id), 5_000, 'mallory known');
    const afterSend = await intervalsSetDuring(async () => {
      await victim.sendText(mallory.id, 'are you there?');
    });
    expect(afterSend.filter((ms) => ms <= 1_000)).toHaveLength(1);
  });
});
