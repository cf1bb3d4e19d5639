import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedFromEnv } from './mesh';
import { deliveryUnderFaults, partitionAndHeal } from './scenarios';

// `npm run soak`: fixed seeds so a failure reproduces, plus one new seed per run to explore
// (printed in every failure message and in the log). PACKETCHAT_FAULT_SEED replaces the first.
const SEEDS = [seedFromEnv(1), 2, 3, 4, randomInt(1, 2 ** 31)];
// Long (fragmented) messages are on (they found the fragment-boundary bug, now fixed and covered
// by a property test); FAULTS_LONG_MESSAGES=0 leaves them out.
const LONG_MESSAGES = process.env['FAULTS_LONG_MESSAGES'] !== '0';

describe('soak: delivery under faults, 10,000 messages per seed', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: 10,000 messages exactly once and in order`, async () => {
      const result = await deliveryUnderFaults(seed, 10_000, 300, { longMessages: LONG_MESSAGES });
      console.log('soak delivery:', JSON.stringify(result));
      expect(result.messages).toBe(10_000);
    });

    it(`seed ${seed}: 10 s partition, 200 messages per direction`, async () => {
      const result = await partitionAndHeal(seed, 200);
      const sorted = result.healToAckMs;
      const at = (p: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
      console.log(
        'soak partition:',
        JSON.stringify({ ...result, healToAckMs: undefined }),
        `heal->ack p50 ${at(0.5)} ms, p75 ${at(0.75)} ms, p90 ${at(0.9)} ms`,
      );
      expect(at(0.5), `seed ${seed}`).toBeLessThan(5_000);
      expect(result.healToDeliveredMs, `seed ${seed}`).toBeLessThan(60_000);
    });
  }
});
