/**
 * Two "hosts" on one bridge for the tests against the real iptux: iptux on the first, ours (the
 * IPMsg module in a child process, or the CLI node) on the second. Call inside a `describe`: it
 * registers the set-up and the tear-down (everything stopped, the namespaces and the work folder
 * removed) and returns what the tests use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createLan, type Lan, type LanHost } from '../netns';
import { requireOrSkip, type Availability } from '../require-tool';
import { Iptux } from './iptux';

type TestContext = Parameters<typeof requireOrSkip>[0];

export interface IptuxPair<T> {
  /** iptux, ours and a work folder; skips the test when iptux cannot run here. */
  ready(ctx: TestContext): { iptux: Iptux; ours: T; work: string };
  readonly iptuxHost: LanHost;
  readonly ourHost: LanHost;
  /** iptux's peer id on our side. */
  readonly iptuxId: string;
}

export function useIptuxPair<T extends { stop(): Promise<unknown> }>(options: {
  readonly check: Availability;
  readonly workPrefix: string;
  readonly iptux: { readonly nick: string; readonly group: string };
  /** Starts ours on its host; stops what it started if it throws. */
  readonly start: (host: LanHost, lan: Lan) => Promise<T>;
}): IptuxPair<T> {
  let lan: Lan | undefined;
  let iptux: Iptux | undefined;
  let ours: T | undefined;
  let work: string | undefined;
  const host = (i: number): LanHost => {
    const h = lan?.hosts[i];
    if (h === undefined) throw new Error('setup did not finish');
    return h;
  };

  beforeAll(async () => {
    if (!options.check.ok) return;
    work = mkdtempSync(path.join(tmpdir(), options.workPrefix));
    lan = await createLan(2);
    iptux = await Iptux.start({ netns: host(0).netns, ...options.iptux });
    ours = await options.start(host(1), lan);
  }, 90_000);

  afterAll(async () => {
    const stops = await Promise.allSettled([ours?.stop(), iptux?.stop()]);
    await lan?.destroy();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    for (const result of stops) if (result.status === 'rejected') throw result.reason;
  }, 60_000);

  return {
    ready(ctx) {
      requireOrSkip(ctx, options.check);
      if (iptux === undefined || ours === undefined || work === undefined)
        throw new Error('setup did not finish');
      return { iptux, ours, work };
    },
    get iptuxHost() {
      return host(0);
    },
    get ourHost() {
      return host(1);
    },
    get iptuxId() {
      return `ipmsg:${host(0).address}`;
    },
  };
}
