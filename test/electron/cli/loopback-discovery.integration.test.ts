// A machine whose only network is loopback: a network namespace of our own with just `lo`. The
// nodes run there with no --broadcast (or a bad one), so the default discovery targets apply,
// and those must be loopback's broadcast, never the real machine's LAN.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { CliTerminal } from '../../helpers/cli-terminal';
import { canUseNetns } from '../../helpers/netns';
import { testPorts } from '../../helpers/ports';
import { requireOrSkip } from '../../helpers/require-tool';

const netns = canUseNetns();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function loopbackOnlyHost(): string {
  const name = `pc-lo-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  cleanups.push(() => execFileSync('ip', ['netns', 'delete', name]));
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

const NOTE =
  'No network interface has a broadcast address: looking for peers on this machine only (127.255.255.255).';

describe('discovery on a machine with only loopback', () => {
  it('announces to 127.255.255.255, says so once, and a bad --broadcast keeps that default', async (ctx) => {
    requireOrSkip(ctx, netns);
    const host = loopbackOnlyHost();
    const { serverPort, clientPort } = testPorts();
    const portArgs = ['--server-port', String(serverPort), '--client-port', String(clientPort)];
    const node = (...args: string[]): CliNode => {
      const n = startCliNode({ netns: host, args: [...portArgs, ...args] });
      cleanups.push(() => n.stop());
      return n;
    };
    const a = node('--nick', 'a');
    const b = node('--nick', 'b', '--broadcast', 'notanip');
    const [aReady, bReady] = await Promise.all([a.ready(), b.ready()]);
    for (const [n, ready] of [
      [a, aReady],
      [b, bReady],
    ] as const) {
      expect(ready.discoveryTargets).toEqual([`127.255.255.255:${String(serverPort)}`]);
      const note = await n.waitForType('notice', (e) => e.code === 'loopback-discovery');
      expect(note.message).toBe(NOTE);
    }
    expect(b.eventsOf('error')).toContainEqual({
      type: 'error',
      code: 'bad-flag',
      message: '--broadcast must be an IPv4 address, got "notanip"',
    });
    await a.waitForType('peer', (e) => e.peer.id === bReady.nodeId && e.peer.online);
    await b.waitForType('peer', (e) => e.peer.id === aReady.nodeId && e.peer.online);
    for (const n of [a, b])
      expect(n.eventsOf('notice').filter((e) => e.code === 'loopback-discovery')).toHaveLength(1);

    const term = new CliTerminal({ netns: host, args: portArgs });
    cleanups.push(() => term.stop());
    await term.waitFor(NOTE, 'the one-line note');
    await term.waitFor('+ a 127.0.0.1:', 'a peer found over loopback');
    expect(term.text.split(NOTE)).toHaveLength(2);
  });
});
