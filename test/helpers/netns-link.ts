/**
 * Link settings and byte counters for the virtual LAN of test/helpers/netns.ts: a token-bucket
 * rate limit (tc's `tbf`; kernel netem does not exist on the test machines, tbf does), the MTU of
 * every link, and an interface's byte counters. Everything acts only inside namespaces the LAN
 * made.
 */
import { execFile, execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Lan, LanHost } from './netns';
import type { Availability } from './require-tool';

const run = promisify(execFile);

async function command(program: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(program, [...args], { timeout: 10_000 });
    return stdout;
  } catch (error) {
    const stderr =
      error instanceof Error && 'stderr' in error && typeof error.stderr === 'string'
        ? error.stderr.trim()
        : String(error);
    throw new Error(`${program} ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

/**
 * Whether tc can put a `tbf` queue on a link here (iproute2's tc and the sch_tbf module). The
 * probe runs in a namespace of its own, deleted again. Needs root, like the LAN itself.
 */
export function canLimitRate(): Availability {
  const probe = `pc-tbf-${randomBytes(4).toString('hex')}`;
  const options: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 };
  try {
    execFileSync('ip', ['netns', 'add', probe], options);
  } catch (error) {
    return { ok: false, reason: `needs root and iproute2 for namespaces: ${String(error)}` };
  }
  try {
    execFileSync('ip', ['-n', probe, 'link', 'set', 'lo', 'up'], options);
    execFileSync(
      'tc',
      [
        ...['-n', probe, 'qdisc', 'add', 'dev', 'lo', 'root'],
        ...['tbf', 'rate', '8mbit', 'burst', '64kb', 'latency', '50ms'],
      ],
      options,
    );
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      reason: `needs \`tc\` with the tbf queue (apt-get install -y iproute2): ${String(error)}`,
    };
  } finally {
    try {
      execFileSync('ip', ['netns', 'del', probe], options);
    } catch {
      // the name is unique and holds no processes; nothing more to do
    }
  }
}

/**
 * Limits what `host` sends to `mbit` megabits per second (a token bucket on its interface; what
 * it receives is not limited). The burst covers one 64 KiB frame at the jumbo MTU.
 */
export async function limitRate(host: LanHost, mbit: number): Promise<void> {
  await command('tc', [
    '-n',
    host.netns,
    'qdisc',
    'replace',
    'dev',
    host.device,
    'root',
    'tbf',
    'rate',
    `${mbit}mbit`,
    'burst',
    '256kb',
    'latency',
    '200ms',
  ]);
}

/**
 * Sets the MTU of every link of the LAN: the hosts' interfaces, their bridge ports (`v0`, `v1`,
 * … as netns.ts names them) and the bridge. A jumbo MTU keeps headers well under 1 % of the bytes
 * counted, so counters show what the protocol sends.
 */
export async function setMtu(lan: Lan, mtu: number): Promise<void> {
  for (const [i, host] of lan.hosts.entries()) {
    await command('ip', ['-n', host.netns, 'link', 'set', 'dev', host.device, 'mtu', String(mtu)]);
    await command('ip', ['-n', lan.bridgeNetns, 'link', 'set', 'dev', `v${i}`, 'mtu', String(mtu)]);
  }
  await command('ip', ['-n', lan.bridgeNetns, 'link', 'set', 'dev', 'br0', 'mtu', String(mtu)]);
}

/** Bytes the host's interface received and sent so far (every frame, link-layer headers too). */
export async function interfaceBytes(host: LanHost): Promise<{ rx: number; tx: number }> {
  const stdout = await command('ip', [
    '-n',
    host.netns,
    '-j',
    '-s',
    'link',
    'show',
    'dev',
    host.device,
  ]);
  const parsed: unknown = JSON.parse(stdout);
  const link = Array.isArray(parsed) ? (parsed[0] as unknown) : undefined;
  const stats =
    typeof link === 'object' && link !== null && 'stats64' in link ? link.stats64 : undefined;
  const bytes = (side: 'rx' | 'tx'): number => {
    const part =
      typeof stats === 'object' && stats !== null && side in stats
        ? (stats as Record<string, unknown>)[side]
        : undefined;
    const value =
      typeof part === 'object' && part !== null && 'bytes' in part ? part.bytes : undefined;
    if (typeof value !== 'number') throw new Error(`no ${side} byte count for ${host.netns}`);
    return value;
  };
  return { rx: bytes('rx'), tx: bytes('tx') };
}
