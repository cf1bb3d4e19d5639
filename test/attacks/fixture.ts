/**
 * The attack LAN as a test file's fixture: built before the file's tests (when this machine can
 * build it), destroyed after them, and `SOAK` for the long variants (`npm run soak`).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Availability } from '../helpers/require-tool';
import { canBuildAttackLan, startAttackLan, type AttackLan, type HonestNode } from './attack-lan';

export const SOAK = process.env['PACKETCHAT_ATTACK_SOAK'] === '1';

export interface AttackFixture {
  readonly check: Availability;
  /** The LAN; throws if it was not built. */
  lan(): AttackLan;
  /** The LAN with its honest alice and bob; throws if it was not built. */
  aliceAndBob(): { lan: AttackLan; alice: HonestNode; bob: HonestNode };
}

/** Alice, bob and mallory on one bridge, for the tests of the calling file. */
export function useAttackLan(
  options: { spoofing?: boolean; args?: Readonly<Record<string, readonly string[]>> } = {},
): AttackFixture {
  const check = canBuildAttackLan({ spoofing: options.spoofing ?? false });
  let built: AttackLan | undefined;
  beforeAll(async () => {
    if (check.ok) built = await startAttackLan(['alice', 'bob'], { args: options.args ?? {} });
  }, 60_000);
  afterAll(async () => {
    await built?.destroy();
  }, 60_000);
  const lan = (): AttackLan => {
    if (built === undefined) throw new Error('the attack LAN was not built');
    return built;
  };
  return {
    check,
    lan,
    aliceAndBob: () => {
      const l = lan();
      const alice = l.honest['alice'];
      const bob = l.honest['bob'];
      if (alice === undefined || bob === undefined) throw new Error('no alice or bob');
      return { lan: l, alice, bob };
    },
  };
}
