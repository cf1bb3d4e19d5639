/**
 * A throw-away virtual LAN made only of network namespaces this helper creates itself: one
 * namespace holding a Linux bridge, and N "host" namespaces, each joined to the bridge by a veth
 * pair. Nothing is ever created in (or sent from) the machine's own network namespace: every veth
 * is created inside a host namespace with its peer end moved straight into the bridge namespace.
 *
 * Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) and iproute2; see canUseNetns(). Tests pass its
 * answer to requireOrSkip(): skipped outside CI, a failure in CI.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { findTool, TOOLS, type Availability } from './require-tool';

const run = promisify(execFile);

/** Skip or fail with requireOrSkip() (test/helpers/require-tool.ts), like any missing tool. */
export type NetnsCheck = Availability;

export interface LanHost {
  /** Namespace name, for `ip netns exec`. */
  readonly netns: string;
  /** The host's IPv4 address on the LAN (no prefix). */
  readonly address: string;
  /** Interface name inside the namespace. */
  readonly device: string;
}

export interface Lan {
  /** Namespace holding the bridge. */
  readonly bridgeNetns: string;
  readonly hosts: readonly LanHost[];
  /** e.g. `10.77.42` */
  readonly subnetPrefix: string;
  /** e.g. `10.77.42.255` */
  readonly broadcast: string;
  /** Every namespace this LAN made, bridge first. */
  readonly namespaces: readonly string[];
  /** Kills anything left inside the namespaces and deletes them. Safe to call any number of times. */
  destroy(): Promise<void>;
}

const HOST_DEVICE = 'eth0';
const BRIDGE_DEVICE = 'br0';

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr.trim() : '';
    return stderr === '' ? error.message : `${error.message.split('\n')[0] ?? ''}: ${stderr}`;
  }
  return String(error);
}

function ipSync(args: readonly string[]): void {
  execFileSync('ip', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 5_000,
  });
}

/**
 * Whether this process can build the virtual LAN: root, `ip` present, and a probe namespace
 * (with a bridge and a veth pair inside) can really be made. The probe is always deleted again.
 */
export function canUseNetns(): NetnsCheck {
  if (process.platform !== 'linux')
    return { ok: false, reason: `needs Linux, not ${process.platform}` };
  const uid = process.getuid?.();
  if (uid !== 0) return { ok: false, reason: `needs root (uid is ${String(uid)})` };
  const ip = findTool(TOOLS.ip);
  if (!ip.ok) return ip;
  const probe = `pc-probe-${randomBytes(4).toString('hex')}`;
  try {
    ipSync(['netns', 'add', probe]);
  } catch (error) {
    return { ok: false, reason: `"ip netns add" failed: ${describeError(error)}` };
  }
  try {
    ipSync(['-n', probe, 'link', 'add', 'name', BRIDGE_DEVICE, 'type', 'bridge']);
    ipSync(['-n', probe, 'link', 'add', 'name', 'pa', 'type', 'veth', 'peer', 'name', 'pb']);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot create a bridge or veth pair: ${describeError(error)}` };
  } finally {
    try {
      ipSync(['netns', 'del', probe]);
    } catch {
      // nothing more we can do; the name is unique and holds no processes
    }
  }
}

async function ip(args: readonly string[]): Promise<void> {
  try {
    await run('ip', [...args], { timeout: 10_000 });
  } catch (error) {
    throw new Error(`ip ${args.join(' ')} failed: ${describeError(error)}`, { cause: error });
  }
}

/** Processes still inside a namespace (normally none: tests stop their nodes first). */
async function killInside(netns: string): Promise<void> {
  let stdout: string;
  try {
    ({ stdout } = await run('ip', ['netns', 'pids', netns], { timeout: 5_000 }));
  } catch {
    return; // namespace already gone
  }
  for (const pid of stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already exited
    }
  }
}

async function deleteNamespace(netns: string): Promise<void> {
  await killInside(netns);
  try {
    await run('ip', ['netns', 'del', netns], { timeout: 10_000 });
  } catch (error) {
    // Already deleted is fine; anything else is worth knowing about.
    if (!/No such file/i.test(describeError(error))) throw error;
  }
}

/**
 * Builds a LAN of `n` hosts at 10.77.X.2 … 10.77.X.(n+1)/24 on a random X. When any step fails,
 * everything made so far is deleted before the error is rethrown.
 */
export async function createLan(n: number): Promise<Lan> {
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new RangeError(`bad host count ${n}`);
  const tag = randomBytes(3).toString('hex');
  const x = randomInt(1, 255);
  const subnetPrefix = `10.77.${x}`;
  const bridgeNetns = `pc-br-${tag}`;
  const made: string[] = [];
  let destroying: Promise<void> | undefined;
  const destroy = (): Promise<void> => {
    destroying ??= (async () => {
      const errors: unknown[] = [];
      // Hosts first, bridge last: deleting a host namespace removes its veth pair.
      for (const netns of [...made].reverse()) {
        await deleteNamespace(netns).catch((error: unknown) => errors.push(error));
      }
      if (errors.length > 0) {
        throw new AggregateError(errors, `could not delete every namespace of LAN ${tag}`);
      }
    })();
    return destroying;
  };

  const hosts: LanHost[] = [];
  try {
    await ip(['netns', 'add', bridgeNetns]);
    made.push(bridgeNetns);
    await ip(['-n', bridgeNetns, 'link', 'set', 'dev', 'lo', 'up']);
    await ip(['-n', bridgeNetns, 'link', 'add', 'name', BRIDGE_DEVICE, 'type', 'bridge']);
    await ip(['-n', bridgeNetns, 'link', 'set', 'dev', BRIDGE_DEVICE, 'up']);
    for (let i = 0; i < n; i += 1) {
      const netns = `pc-h${i}-${tag}`;
      const port = `v${i}`;
      const address = `${subnetPrefix}.${i + 2}`;
      await ip(['netns', 'add', netns]);
      made.push(netns);
      // Created inside the host namespace; the peer end goes straight to the bridge namespace.
      const veth = [
        'name',
        HOST_DEVICE,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        bridgeNetns,
      ];
      await ip(['-n', netns, 'link', 'add', ...veth]);
      await ip(['-n', bridgeNetns, 'link', 'set', 'dev', port, 'master', BRIDGE_DEVICE]);
      await ip(['-n', bridgeNetns, 'link', 'set', 'dev', port, 'up']);
      await ip(['-n', netns, 'link', 'set', 'dev', 'lo', 'up']);
      await ip(['-n', netns, 'addr', 'add', `${address}/24`, 'brd', '+', 'dev', HOST_DEVICE]);
      await ip(['-n', netns, 'link', 'set', 'dev', HOST_DEVICE, 'up']);
      hosts.push({ netns, address, device: HOST_DEVICE });
    }
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
  return {
    bridgeNetns,
    hosts,
    subnetPrefix,
    broadcast: `${subnetPrefix}.255`,
    namespaces: [...made],
    destroy,
  };
}
