import { describe, expect, it } from 'vitest';
import type { TransferJsonEvent } from '../../../electron/cli/json-protocol';
import { TransferLines } from '../../../electron/cli/transfer-lines';
import type { TransferInfo, TransferState } from '../../../shared/transfers';

function line(id: string, state: TransferState, bytesDone = 0): TransferJsonEvent {
  const transfer: TransferInfo = {
    id,
    peerId: 'ipmsg:10.0.0.7',
    direction: 'receive',
    state,
    files: 1,
    filesDone: state === 'done' ? 1 : 0,
    filesFailed: 0,
    folders: 0,
    names: ['a.txt'],
    bytes: 10,
    bytesDone,
    rate: 0,
    createdAt: 1,
    updatedAt: 2,
  };
  return { type: 'transfer', transfer };
}

describe('TransferLines (--json transfer lines)', () => {
  it('writes every event, and an answer only when its state was not written yet', () => {
    const written: string[] = [];
    const lines = new TransferLines((e) => written.push(`${e.transfer.id}:${e.transfer.state}`));
    lines.event(line('a', 'offered'));
    lines.answer(line('a', 'offered')); // send-file's answer after the event: once
    lines.event(line('a', 'accepted'));
    lines.event(line('a', 'active', 3));
    lines.event(line('a', 'active', 7)); // progress: every event
    lines.answer(line('a', 'accepted')); // accept's answer after the events moved on: not again
    lines.answer(line('b', 'declined')); // an answer with no event before it
    expect(written).toEqual(['a:offered', 'a:accepted', 'a:active', 'a:active', 'b:declined']);
  });

  it('forgets the oldest transfers beyond its bound', () => {
    const written: string[] = [];
    const lines = new TransferLines((e) => written.push(e.transfer.id));
    for (let i = 0; i < 1_100; i += 1) lines.event(line(`t${String(i)}`, 'offered'));
    lines.answer(line('t0', 'offered')); // forgotten: written again
    lines.answer(line('t1099', 'offered')); // remembered: not
    expect(written.slice(1_100)).toEqual(['t0']);
  });
});
