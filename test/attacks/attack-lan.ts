/**
 * The attack LAN: alice, bob (and more honest hosts) and mallory, each a network namespace on one
 * bridge (test/helpers/netns.ts). Honest hosts run the real CLI node with the real defaults
 * (server port 8000, client port 4000, discovery by the subnet's broadcast address); mallory runs
 * the hostile agent.
 *
 * Spoofing. Node cannot open a raw socket, and a socket bound to a foreign address (with
 * net.ipv4.ip_nonlocal_bind) cannot send without IP_TRANSPARENT (the kernel refuses the route:
 * ENETUNREACH). So mallory's namespace gets an nftables source-NAT rule instead: datagrams it
 * sends from a chosen source port leave with a forged source IP:port (`spoof()`). That is a
 * blind spoofer, as on a real LAN: answers go to the forged address (ARP still maps it to the
 * real host), never back to mallory, and no ARP entry is poisoned (the kernel's ARP requests
 * carry mallory's own address, since the forged one is not local to it).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Endpoint } from '../../shared/address';
import { startCliNode, type CliNode, type ReadyEvent } from '../helpers/cli-node';
import { canUseNetns, createLan, type Lan, type LanHost } from '../helpers/netns';
import { allOf, findTool, TOOLS, type Availability } from '../helpers/require-tool';
import { startHostileHost, type HostileHost } from './hostile-host';

const run = promisify(execFile);

/** Root, iproute2 and a namespace that can really be made; nft for the spoofing tests. */
export function canBuildAttackLan(options: { spoofing?: boolean } = {}): Availability {
  const netns = canUseNetns();
  return options.spoofing === true ? allOf(netns, findTool(TOOLS.nft)) : netns;
}

export interface HonestNode {
  readonly cli: CliNode;
  readonly ready: ReadyEvent;
  readonly host: LanHost;
  readonly dataDir: string;
  /** Its client socket: where it sends from and listens. */
  readonly endpoint: Endpoint;
}

export interface AttackLan {
  readonly lan: Lan;
  readonly honest: Readonly<Record<string, HonestNode>>;
  readonly mallory: HostileHost;
  readonly malloryHost: LanHost;
  /**
   * From now on, datagrams mallory sends from `sourcePort` leave as if from `as` (a forged
   * source address). `as.port` may be a range `[first, last]` for a range of source ports.
   */
  spoof(
    rules: readonly { sourcePort: number | [number, number]; as: SpoofedSource }[],
  ): Promise<void>;
  /** Gives mallory's host `count` more addresses on the LAN (from .50 on); returns them. */
  addMalloryAddresses(count: number): Promise<string[]>;
  /** Starts an honest node again (same data directory, so the same identity). */
  restart(name: string): Promise<HonestNode>;
  destroy(): Promise<void>;
}

export interface SpoofedSource {
  readonly address: string;
  readonly port: number | readonly [number, number];
}

export const CLIENT_PORT = 4000;
export const SERVER_PORT = 8000;

/**
 * Builds the LAN: one namespace per honest name (in order: .2, .3, …) and mallory's last. Every
 * honest node is started and waits until it sees every other one online.
 */
export async function startAttackLan(
  names: readonly string[],
  options: { args?: Readonly<Record<string, readonly string[]>> } = {},
): Promise<AttackLan> {
  const lan = await createLan(names.length + 1);
  const honest: Record<string, HonestNode> = {};
  const dirs: string[] = [];
  let mallory: HostileHost | undefined;
  const destroy = async (): Promise<void> => {
    await Promise.allSettled([
      ...Object.values(honest).map((h) => h.cli.stop()),
      mallory?.stop() ?? Promise.resolve(),
    ]);
    await lan.destroy();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  };
  const start = async (name: string, host: LanHost, dataDir: string): Promise<HonestNode> => {
    const args = ['--nick', name, '--data-dir', dataDir, ...(options.args?.[name] ?? [])];
    const cli = startCliNode({ netns: host.netns, args, label: name });
    const ready = await cli.ready(15_000);
    const node: HonestNode = {
      cli,
      ready,
      host,
      dataDir,
      endpoint: { address: host.address, port: ready.clientPort },
    };
    honest[name] = node;
    return node;
  };
  try {
    await Promise.all(
      names.map(async (name, i) => {
        const host = lan.hosts[i];
        if (host === undefined) throw new Error(`no host for ${name}`);
        const dir = await mkdtemp(join(tmpdir(), `pc-attack-${name}-`));
        dirs.push(dir);
        await start(name, host, dir);
      }),
    );
    const malloryHost = lan.hosts[names.length];
    if (malloryHost === undefined) throw new Error('no host for mallory');
    mallory = await startHostileHost({ netns: malloryHost.netns });
    for (const a of Object.values(honest))
      for (const b of Object.values(honest))
        if (a !== b)
          await a.cli.waitForType(
            'peer',
            (e) => e.peer.id === b.ready.nodeId && e.peer.online,
            15_000,
            `${b.ready.nick} online at ${a.ready.nick}`,
          );
    const agent = mallory;
    let extraAddresses = 0;
    return {
      lan,
      honest,
      mallory: agent,
      malloryHost,
      spoof: (rules) => spoof(malloryHost.netns, rules),
      addMalloryAddresses: async (count) => {
        const first = 50 + extraAddresses;
        extraAddresses += count;
        const addresses = Array.from(
          { length: count },
          (_, i) => `${lan.subnetPrefix}.${first + i}`,
        );
        for (const address of addresses)
          await run('ip', [
            '-n',
            malloryHost.netns,
            'addr',
            'add',
            `${address}/24`,
            'dev',
            malloryHost.device,
          ]);
        return addresses;
      },
      restart: async (name) => {
        const old = honest[name];
        if (old === undefined) throw new Error(`no honest node ${name}`);
        await old.cli.stop();
        return start(name, old.host, old.dataDir);
      },
      destroy,
    };
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
}

async function spoof(
  netns: string,
  rules: readonly { sourcePort: number | [number, number]; as: SpoofedSource }[],
): Promise<void> {
  const lines = rules.map(({ sourcePort, as }) => {
    const from = typeof sourcePort === 'number' ? String(sourcePort) : sourcePort.join('-');
    const to = typeof as.port === 'number' ? String(as.port) : as.port.join('-');
    return `    udp sport ${from} snat to ${as.address}:${to}`;
  });
  const ruleset = [
    'table ip spoof {',
    '  chain post {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...lines,
    '  }',
    '}',
  ].join('\n');
  // A fresh table each time: the old rules go with it.
  await nft(netns, ['delete', 'table', 'ip', 'spoof']).catch(() => undefined);
  await nftScript(netns, ruleset);
}

/** Runs `nft ARGS` inside a namespace. */
export async function nft(netns: string, args: readonly string[]): Promise<void> {
  await run('ip', ['netns', 'exec', netns, 'nft', ...args]);
}

/** Loads an nftables ruleset (`nft -f -`) inside a namespace. */
export function nftScript(netns: string, ruleset: string): Promise<void> {
  const child = execFile('ip', ['netns', 'exec', netns, 'nft', '-f', '-']);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`nft failed (${String(code)}): ${stderr}`)),
    );
  });
  child.stdin?.end(ruleset);
  return done;
}
