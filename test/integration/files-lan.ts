/**
 * The heavy file scenarios through protocol v2 between two built CLI nodes on a virtual LAN
 * (network namespaces, test/helpers/netns.ts): offers in the reliable sealed stream, data over
 * sealed TCP lanes, both ends separate processes on profiles of their own so that either can be
 * SIGKILLed and started again. Used by files-netns.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bigFile, sha256File } from '../helpers/file-trees';
import { createLan, type Lan, type LanHost } from '../helpers/netns';
import { interfaceBytes, limitRate, setMtu } from '../helpers/netns-link';
import { ProfileNode } from '../helpers/profile-node';

export const MIB = 1024 * 1024;
/** Per awaited event; generous because the machine running the tests is shared. */
export const WAIT_MS = 60_000;
/**
 * What one restart of either side may cost on the wire: the receiver's request window of a lane
 * (4 MiB, docs/FILES.md "Flow control") plus slack for handshakes, announces and frame headers.
 */
export const PER_RESTART_BYTES = 4 * MIB + 256 * 1024;
/** Jumbo frames: link-layer and TCP/IP headers stay under 0.2 % of what the counters see. */
const LAN_MTU = 65_000;

/** Two hosts, their profiles and temp folders; close() stops and removes everything. */
export class FilesLan {
  readonly root = mkdtempSync(join(tmpdir(), 'pc-files-lan-'));
  readonly nodes: ProfileNode[] = [];
  private readonly mounts: string[] = [];
  private constructor(readonly lan: Lan) {}

  static async create(): Promise<FilesLan> {
    const lan = await createLan(2);
    try {
      await setMtu(lan, LAN_MTU);
    } catch (error) {
      await lan.destroy();
      throw error;
    }
    return new FilesLan(lan);
  }

  host(i: number): LanHost {
    const host = this.lan.hosts[i];
    if (host === undefined) throw new Error(`no host ${i}`);
    return host;
  }

  /** A folder under this scenario's temp root. */
  dir(name: string): string {
    const path = join(this.root, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /**
   * Mounts a tmpfs of `mib` MiB on a new folder `name` (unmounted by close()); answers why not
   * when this machine cannot (not root, no mount(8)).
   */
  mountTmpfs(name: string, mib: number): { ok: true; dir: string } | { ok: false; reason: string } {
    const dir = this.dir(name);
    const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir]);
    if (result.status !== 0) {
      const why = result.stderr.toString().trim() || String(result.error);
      return { ok: false, reason: `needs root and mount(8) for a tmpfs: ${why}` };
    }
    this.mounts.push(dir);
    return { ok: true, dir };
  }

  /** A CLI node on host `i` with a profile of its own. */
  async node(i: number, label: string, args: readonly string[] = []): Promise<ProfileNode> {
    const node = new ProfileNode({
      label,
      dataDir: join(this.root, `profile-${label}`),
      configHome: this.dir(`config-${label}`),
      netns: this.host(i).netns,
      args,
    });
    this.nodes.push(node);
    await node.ready();
    return node;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
    // The nodes are gone, so nothing holds the file systems any more.
    for (const dir of this.mounts.splice(0)) spawnSync('umount', ['-l', dir]);
    try {
      await this.lan.destroy();
    } finally {
      rmSync(this.root, { recursive: true, force: true });
    }
  }
}

/** Both nodes list each other as online peers. */
export async function meet(a: ProfileNode, b: ProfileNode): Promise<void> {
  await Promise.all([
    a.node.waitForType('peer', (e) => e.peer.id === b.nodeId && e.peer.online, WAIT_MS, 'b'),
    b.node.waitForType('peer', (e) => e.peer.id === a.nodeId && e.peer.online, WAIT_MS, 'a'),
  ]);
}

/** Offers `paths` from `sender` to the node `to`; resolves with the transfer's id and size. */
export async function offer(
  sender: ProfileNode,
  to: string,
  paths: readonly string[],
): Promise<{ id: string; bytes: number }> {
  const before = sender.node.events.length;
  sender.node.send({ cmd: 'send-file', to, paths });
  const reply = await sender.node.waitFor(
    (e) => (e.type === 'transfer' || e.type === 'error') && sender.node.events.indexOf(e) >= before,
    WAIT_MS,
    'the answer to send-file',
  );
  if (reply.type !== 'transfer') throw new Error(`send-file failed: ${JSON.stringify(reply)}`);
  expect(reply.transfer.state).toBe('offered');
  return { id: reply.transfer.id, bytes: reply.transfer.bytes };
}

/** Every `.pchat-part` left under `dir`. */
export function partsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) =>
    p.endsWith('.pchat-part'),
  );
}

export interface KillRun {
  readonly mib: number;
  /** Kills in all, alternately the receiver and the sender (receiver first). */
  readonly kills: number;
}

/**
 * One big file from host 0 to host 1 (which runs with --accept-files), while the receiver and the
 * sender are SIGKILLed in turn, each time once the receiver's progress lines pass the next
 * (k+1)/(kills+1) of the size. The sender's link is limited so that the kills land in the middle
 * of the transfer. Counts every byte through the receiver's interface in both directions.
 */
export async function killRun(lan: FilesLan, run: KillRun): Promise<void> {
  const size = run.mib * MIB;
  // About 8 s of sending at full speed, never below 48 Mbit/s.
  await limitRate(lan.host(0), Math.max(48, run.mib));
  const src = bigFile(join(lan.dir('src'), 'big.bin'), size);
  const dest = lan.dir('dest');
  const sender = await lan.node(0, 'sender');
  const receiver = await lan.node(1, 'receiver', ['--accept-files', dest]);
  await meet(sender, receiver);

  const before = await interfaceBytes(lan.host(1));
  const { id } = await offer(sender, receiver.nodeId, [src]);
  for (let kill = 0; kill < run.kills; kill += 1) {
    const threshold = ((kill + 1) * size) / (run.kills + 1);
    const seen = await receiver.transfer(
      id,
      (t) => t.bytesDone >= threshold || t.state === 'done',
      WAIT_MS,
      `${threshold} bytes received (kill ${kill + 1})`,
    );
    expect(seen.transfer.state, 'the transfer finished before every kill').not.toBe('done');
    const victim = kill % 2 === 0 ? receiver : sender;
    await victim.killAndRestart();
  }
  const done = await receiver.transfer(id, (t) => t.state === 'done', WAIT_MS * 3, 'done');
  const after = await interfaceBytes(lan.host(1));

  const expected = await sha256File(src);
  expect(done.files?.map((f) => [f.path, f.sha256])).toEqual([['big.bin', expected]]);
  expect(await sha256File(join(dest, 'big.bin'))).toBe(expected);
  expect(partsUnder(dest)).toEqual([]);
  await sender.transfer(id, (t) => t.state === 'done', WAIT_MS, 'the sender to see done');

  const onWire = after.rx - before.rx + (after.tx - before.tx);
  const allowed = 1.05 * size + run.kills * PER_RESTART_BYTES;
  console.log(
    `files kill run: ${run.mib} MiB, ${run.kills} SIGKILLs, ${(onWire / MIB).toFixed(1)} MiB ` +
      `through the receiver's interface (${((onWire / size) * 100).toFixed(1)} %), allowed ` +
      `${(allowed / MIB).toFixed(1)} MiB`,
  );
  expect(onWire).toBeGreaterThanOrEqual(size);
  expect(onWire).toBeLessThanOrEqual(allowed);
}
