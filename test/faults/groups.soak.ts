import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir';
import { awayAndBack } from './group-away';

const tempDir = useTempDirs();

// `npm run soak`: the absence of issue 15 in real time, with the protocol's own timers (peers
// offline after 45 s, announces every 15 s, retransmissions up to 8 s apart).
describe('soak: groups', () => {
  it('a member away for 60 s gets everything within 15 s of returning', async () => {
    const result = await awayAndBack({ timers: {}, awayMs: 60_000, tempDir });
    console.log('soak groups away:', JSON.stringify(result));
    expect(result.awayMs).toBeGreaterThanOrEqual(60_000);
    expect(result.catchUpMs).toBeLessThanOrEqual(15_000);
  });
});
