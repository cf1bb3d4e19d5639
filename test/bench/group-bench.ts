/**
 * `groups`: one group message to 50 members (every member's ack), next to the same text as 50
 * one-to-one messages from the same node (a multi-send) and 50 raw unicast datagrams from one
 * socket, each answered. The sender is one worker process, the members are spread over four.
 */
import { randomInt } from 'node:crypto';
import { encodingLength } from '../../shared/protocol/codec';
import { testPorts } from '../helpers/ports';
import { BENCH_TEXT, type Sizes } from './net-bench';
import { median, percentile } from './stats';
import { withWorkers } from './worker-pool';

export interface GroupBenchResult {
  readonly members: number;
  readonly group: { p50: number; p99: number; samples: number };
  readonly unicast: { p50: number; p99: number; samples: number };
  readonly raw: { p50: number; p99: number; samples: number };
  /** Datagrams the sender sent and received per group message (acks included). */
  readonly datagramsSentPerMessage: number;
  readonly datagramsReceivedPerMessage: number;
  readonly retransmitted: number;
  readonly requestBytes: number;
}

const summary = (samples: readonly number[]) => ({
  p50: median(samples),
  p99: percentile(samples, 99),
  samples: samples.length,
});

export async function groupFanOut(sizes: Sizes, members = 50): Promise<GroupBenchResult> {
  const names = ['group-sender', 'members-0', 'members-1', 'members-2', 'members-3'];
  return withWorkers(names, async ([sender, ...hosts]) => {
    if (sender === undefined) throw new Error('no sender worker');
    const ports = testPorts();
    const info = await sender.call('startNode', { ...ports, tcp: false });
    const clientBase = randomInt(30_000, 60_000);
    const share = Math.ceil(members / hosts.length);
    const ids = (
      await Promise.all(
        hosts.map((w, k) =>
          w.call('startMembers', {
            first: k * share,
            count: Math.max(0, Math.min(share, members - k * share)),
            clientBase,
            senderPort: info.clientPort,
          }),
        ),
      )
    ).flat();
    await sender.call('waitMembers', members, 60_000);
    const groupId = await sender.call('createGroup', ids);
    await Promise.all(hosts.map((w) => w.call('waitJoined', groupId, 60_000)));
    const echoes = (
      await Promise.all(hosts.map((w, k) => w.call('startEchoes', k === 0 ? members : 0, 60)))
    ).flat();
    // The raw request is as long as the sealed group packet a member gets (same text).
    const requestBytes =
      29 +
      encodingLength({
        kind: 'text',
        from: 'f'.repeat(32),
        id: 'x'.repeat(12),
        epoch: 'y'.repeat(8),
        seq: 100,
        floor: 100,
        ts: Date.now(),
        text: BENCH_TEXT,
        group: {
          type: 'post',
          id: 'a'.repeat(32),
          mid: 'm'.repeat(12),
          by: 'b'.repeat(32),
          seq: 100,
          v: 1,
          pv: 1,
          deps: [],
          sig: 's'.repeat(86),
        },
      });
    const count = sizes.count(200);
    await sender.call('groupRtt', groupId, Math.min(count, 20), BENCH_TEXT); // warm-up
    const group = await sender.call('groupRtt', groupId, count, BENCH_TEXT);
    const unicast = await sender.call('unicastRtt', ids, sizes.count(100), BENCH_TEXT);
    const raw = await sender.call('rawFan', echoes, count, requestBytes);
    return {
      members,
      group: summary(group.samples),
      unicast: summary(unicast),
      raw: summary(raw),
      datagramsSentPerMessage: group.datagramsSent / count,
      datagramsReceivedPerMessage: group.datagramsReceived / count,
      retransmitted: group.retransmitted,
      requestBytes,
    };
  });
}
