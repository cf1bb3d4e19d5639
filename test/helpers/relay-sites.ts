/**
 * Separate subnets ("sites") that reach nothing of each other, only a broker host: network
 * namespaces this helper creates and deletes itself. The broker's namespace holds one bridge per
 * subnet (its address on each is .1) and does not forward between them, so the only way from one
 * site to another is an MQTT broker listening there. Every host is a namespace on one subnet,
 * joined to its bridge by a veth pair made inside the host namespace (nothing is created in the
 * machine's own namespace). Needs root and iproute2 (canUseNetns() in ./netns).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import type { LanHost } from './netns';

const run = promisify(execFile);

export interface Site {
  /** e.g. `10.78.12` */
  readonly prefix: string;
  /** The broker host's address on this subnet. */
  readonly gateway: string;
  readonly hosts: readonly LanHost[];
}

export interface Sites {
  /** The broker host's namespace. */
  readonly brokerNetns: string;
  readonly sites: readonly Site[];
  /** Takes a host's link down or up (its namespace keeps running: a cable pulled). */
  setLink(host: LanHost, up: boolean): Promise<void>;
  /** Kills what is left inside and deletes every namespace. Idempotent. */
  destroy(): Promise<void>;
}

async function ip(args: readonly string[]): Promise<void> {
  try {
    await run('ip', [...args], { timeout: 10_000 });
  } catch (error) {
    const stderr =
      error instanceof Error && 'stderr' in error && typeof error.stderr === 'string'
        ? error.stderr.trim()
        : '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

async function remove(netns: string): Promise<void> {
  try {
    const { stdout } = await run('ip', ['netns', 'pids', netns], { timeout: 5_000 });
    for (const pid of stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await run('ip', ['netns', 'del', netns], { timeout: 10_000 });
  } catch {
    // already deleted
  }
}

/** `hostsPerSite[i]` hosts on site i, at PREFIX.2, PREFIX.3, …; the broker host is PREFIX.1. */
export async function createSites(hostsPerSite: readonly number[]): Promise<Sites> {
  const tag = randomBytes(3).toString('hex');
  const base = randomInt(1, 250 - hostsPerSite.length);
  const brokerNetns = `pc-rb-${tag}`;
  const made: string[] = [];
  let destroying: Promise<void> | undefined;
  const destroy = (): Promise<void> => {
    destroying ??= (async () => {
      for (const netns of [...made].reverse()) await remove(netns);
    })();
    return destroying;
  };
  const sites: Site[] = [];
  try {
    await ip(['netns', 'add', brokerNetns]);
    made.push(brokerNetns);
    await ip(['-n', brokerNetns, 'link', 'set', 'dev', 'lo', 'up']);
    for (const [s, count] of hostsPerSite.entries()) {
      const prefix = `10.78.${base + s}`;
      const bridge = `br${s}`;
      await ip(['-n', brokerNetns, 'link', 'add', 'name', bridge, 'type', 'bridge']);
      await ip(['-n', brokerNetns, 'addr', 'add', `${prefix}.1/24`, 'dev', bridge]);
      await ip(['-n', brokerNetns, 'link', 'set', 'dev', bridge, 'up']);
      const hosts: LanHost[] = [];
      for (let h = 0; h < count; h += 1) {
        const netns = `pc-s${s}h${h}-${tag}`;
        const port = `v${s}x${h}`;
        const address = `${prefix}.${h + 2}`;
        await ip(['netns', 'add', netns]);
        made.push(netns);
        await ip(
          ['-n', netns, 'link', 'add', 'name', 'eth0', 'type', 'veth'].concat([
            'peer',
            'name',
            port,
            'netns',
            brokerNetns,
          ]),
        );
        await ip(['-n', brokerNetns, 'link', 'set', 'dev', port, 'master', bridge]);
        await ip(['-n', brokerNetns, 'link', 'set', 'dev', port, 'up']);
        await ip(['-n', netns, 'link', 'set', 'dev', 'lo', 'up']);
        await ip(['-n', netns, 'addr', 'add', `${address}/24`, 'brd', '+', 'dev', 'eth0']);
        await ip(['-n', netns, 'link', 'set', 'dev', 'eth0', 'up']);
        hosts.push({ netns, address, device: 'eth0' });
      }
      sites.push({ prefix, gateway: `${prefix}.1`, hosts });
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    brokerNetns,
    sites,
    setLink: (host, up) =>
      ip(['-n', host.netns, 'link', 'set', 'dev', host.device, up ? 'up' : 'down']),
    destroy,
  };
}
