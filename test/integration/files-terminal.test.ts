/**
 * The terminal chat's progress bar (issue 14, "/send and /accept, with a progress bar"), on a
 * link slow enough for the bar to be drawn several times: a --json node on one host of a virtual
 * LAN (test/helpers/netns.ts, its sending limited with tc's tbf) offers 6 MiB to a terminal node
 * on the other. On a pseudo-terminal the bar is one line redrawn in place (the cursor goes back up
 * to it); through a pipe each drawing is a plain line. Needs root, iproute2, tc and script(1).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliTerminal } from '../helpers/cli-terminal';
import { bigFile, sha256File } from '../helpers/file-trees';
import { canUseNetns } from '../helpers/netns';
import { canLimitRate, limitRate } from '../helpers/netns-link';
import { allOf, findTool, nameWithSkipReason, requireOrSkip, TOOLS } from '../helpers/require-tool';
import { FilesLan, MIB, offer, WAIT_MS } from './files-lan';

const netns = canUseNetns();
const check = netns.ok ? allOf(netns, canLimitRate(), findTool(TOOLS.script)) : netns;
const suiteName = nameWithSkipReason('the terminal chat receiving files on a slow link', check);

let lan: FilesLan | undefined;
let term: CliTerminal | undefined;
afterEach(async () => {
  await term?.stop();
  term = undefined;
  await lan?.close();
  lan = undefined;
});

const ESC = String.fromCharCode(27);
/** One drawing of the bar: up to the end of the line or the next escape sequence. */
const BAR = new RegExp(`⇣ big\\.bin \\[[█░]{20}\\][^\\r\\n${ESC}]*`, 'g');
/** The progress bars in `text`, in order. */
const bars = (text: string): string[] => text.match(BAR) ?? [];

async function receive(pty: boolean): Promise<string> {
  lan = await FilesLan.create();
  // 16 Mbit/s: 6 MiB take about 3 s, so the bar (at most every 500 ms) is drawn several times.
  await limitRate(lan.host(0), 16);
  const source = bigFile(join(lan.dir('src'), 'big.bin'), 6 * MIB);
  const dest = lan.dir('dest');
  const alice = await lan.node(0, 'alice');
  term = new CliTerminal({ args: ['--nick', 'bob'], netns: lan.host(1).netns, pty });
  await term.waitFor(/\+ alice [^\n]* is online/, 'alice online', 0, WAIT_MS);
  const bob = await alice.node.waitForType('peer', (e) => e.peer.nick === 'bob', WAIT_MS);
  await offer(alice, bob.peer.id, [source]);
  await term.waitFor('⇣ alice offers 1 file, 6.0 MiB: big.bin', 'the offer', 0, WAIT_MS);
  const from = term.bytes.length;
  term.type(`/accept ${dest}${pty ? '\r' : '\n'}`);
  await term.waitFor('✓ received 1 file, 6.0 MiB from alice', 'done', from, WAIT_MS);
  expect(await sha256File(join(dest, 'big.bin'))).toBe(await sha256File(source));
  return term.bytes.subarray(from).toString('utf8');
}

describe(suiteName, () => {
  it('on a terminal: the bar is one line, redrawn in place', async (ctx) => {
    requireOrSkip(ctx, check);
    const out = await receive(true);
    const drawn = bars(out);
    expect(drawn.length).toBeGreaterThanOrEqual(2);
    // Between two drawings the cursor goes up to the bar's line (CSI 1 A), which is then cleared
    // (CSI 0 J): the bar replaces itself instead of scrolling.
    const second = out.indexOf(drawn[1] ?? '');
    const between = out.slice(out.indexOf(drawn[0] ?? '') + (drawn[0] ?? '').length, second);
    expect(between).toContain(`${ESC}[1A`);
    expect(between.includes(`${ESC}[0J`) || between.includes(`${ESC}[J`)).toBe(true);
    // Percentages only grow.
    const shares = drawn.map((bar) => Number(/(\d+)%/.exec(bar)?.[1]));
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
  }, 120_000);

  it('through a pipe: each drawing is a plain line, no cursor movement', async (ctx) => {
    requireOrSkip(ctx, check);
    const out = await receive(false);
    expect(bars(out).length).toBeGreaterThanOrEqual(2);
    for (const bar of bars(out)) expect(out).toContain(`${bar}\n`);
    expect(out).not.toContain(`${ESC}[`);
  }, 120_000);
});
