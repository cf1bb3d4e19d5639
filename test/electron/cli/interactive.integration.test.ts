// The terminal chat as a process, through pipes and on a pseudo-terminal, against --json nodes
// and plain UDP sockets on 127.0.0.1.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliNode, type CliNode } from '../../helpers/cli-node';
import { CliTerminal, type TerminalOptions } from '../../helpers/cli-terminal';
import { loopbackArgs, testPorts } from '../../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../../helpers/require-tool';

const opened: (CliNode | CliTerminal | Socket)[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(
    opened
      .splice(0)
      .map((o) =>
        'stop' in o ? o.stop() : new Promise<void>((resolve) => o.close(() => resolve())),
      ),
  );
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Ports = ReturnType<typeof testPorts>;

function jsonNode(ports: Ports, ...args: string[]): CliNode {
  const node = startCliNode({ args: [...loopbackArgs(ports), ...args] });
  opened.push(node);
  return node;
}

function terminal(ports: Ports, options: Partial<TerminalOptions> & { args?: string[] } = {}) {
  const term = new CliTerminal({
    ...options,
    args: [...loopbackArgs(ports), ...(options.args ?? [])],
  });
  opened.push(term);
  return term;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pc-term-profile-'));
  dirs.push(dir);
  return dir;
}

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  opened.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const codePoints = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');

/** Raw bytes a peer must never get onto our terminal, with a name for the failure message. */
function forbiddenBytes(bytes: Buffer): string[] {
  const found: string[] = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i] ?? 0;
    const next = bytes[i + 1] ?? 0;
    if ((b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f)
      found.push(`C0 0x${b.toString(16)} at ${i}`);
    if (b === 0xc2 && next >= 0x80 && next <= 0x9f)
      found.push(`C1 U+00${next.toString(16)} at ${i}`);
    if (b === 0xe2) {
      // A three-byte UTF-8 sequence: 1110xxxx 10yyyyyy 10zzzzzz.
      const point = ((b & 0x0f) << 12) | ((next & 0x3f) << 6) | ((bytes[i + 2] ?? 0) & 0x3f);
      if (BIDI.includes(point)) found.push(`bidi U+${point.toString(16)} at ${i}`);
    }
  }
  return found;
}

describe('packet-chat interactive: terminal safety', () => {
  it('shows every control and bidi character from the network visibly; none reaches stdout raw', async () => {
    const ports = testPorts();
    // No control or format character can be in a nick on the wire (shared/protocol/packets.ts);
    // a message's text can carry them all.
    const peer = jsonNode(ports, '--nick', 'eve');
    await peer.ready();
    const term = terminal(ports, { args: ['--nick', 'term'] });
    await term.waitFor('is online', 'the peer to come online');
    const termAddress = `127.0.0.1:${String(ports.clientPort + 1)}`;

    const everything = `all:${codePoints(0x00, 0x9f)}${String.fromCharCode(...BIDI)}:end`;
    peer.send({ cmd: 'send', to: termAddress, text: everything });
    await peer.waitForType('status', (e) => e.status === 'delivered');
    await term.waitFor(':end', 'the message with every control character');

    // A plain UDP tool: C0 other than tab, CR and LF makes a datagram binary junk (a warning);
    // C1 and bidi are text.
    const tool = await udpSocket();
    const port = ports.clientPort + 1;
    tool.send(
      `stranger:\r${codePoints(0x80, 0x9f)}${String.fromCharCode(...BIDI)}:done`,
      port,
      '127.0.0.1',
    );
    await term.waitFor(':done', "the stranger's text");
    tool.send('\x1b]0;owned\x07\x1b[2J', port, '127.0.0.1');
    await term.waitFor('(warning: dropped datagram', 'the warning about junk');

    expect(forbiddenBytes(term.bytes)).toEqual([]);
    const text = term.text;
    expect(text).toContain('eve 127.0.0.1:');
    expect(text).toContain('\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\t\n');
    expect(text).toContain('\\x1b\\x1c\\x1d\\x1e\\x1f !"#$%');
    expect(text).toContain('~\\x7f\\x80\\x81');
    expect(text).toContain(
      '\\x9e\\x9f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069:end',
    );
    expect(text).toMatch(/\[stranger 127\.0\.0\.1:\d+ · not encrypted\] stranger:\\x0d\\x80/);
    // The newline in the message starts an indented line, never one that passes for a header.
    expect(text).toMatch(/\t\n {6}\\x0b\\x0c\\x0d/);
  });
});

describe('packet-chat interactive on a terminal', () => {
  const script = findTool(TOOLS.script);
  it('keeps the prompt and the half-typed line when a message comes in; colours; Ctrl-D quits', async (ctx) => {
    requireOrSkip(ctx, script);
    const ports = testPorts();
    const peer = jsonNode(ports, '--nick', 'alice');
    await peer.ready();
    const term = terminal(ports, { pty: true, args: ['--nick', 'term'] });
    await term.waitFor('alice> ', 'the prompt naming the selected peer');
    term.type('hel');
    // eslint-disable-next-line no-control-regex
    await term.waitFor(/alice> (\x1b\[\d+G)?hel/, 'the typed text');
    const before = term.bytes.length;
    peer.send({ cmd: 'send', to: `127.0.0.1:${String(ports.clientPort + 1)}`, text: 'lunch?' });
    await term.waitFor(
      // eslint-disable-next-line no-control-regex
      / lunch\?\r*\n(\x1b\[[\d;]*[A-Za-z])*alice> hel/,
      'the message, then the prompt and the typed text drawn again',
      before,
    );
    term.type('lo\r');
    await peer.waitForType('message', (e) => e.message.text === 'hello');
    // eslint-disable-next-line no-control-regex
    expect(term.text).toMatch(/\x1b\[32m\+ alice 127\.0\.0\.1:\d+ is online/);
    term.type('\x04');
    expect(await term.exited).toEqual({ code: 0, signal: null });
  });

  it('with NO_COLOR and a Chinese locale: no colours, Chinese words, the hint; Ctrl-C quits', async (ctx) => {
    requireOrSkip(ctx, script);
    const term = terminal(testPorts(), {
      pty: true,
      env: { NO_COLOR: '1', LANG: 'zh_CN.UTF-8', PACKET_CHAT_DISCOVERY_HINT_MS: '0' },
    });
    await term.waitFor('PacketChat：你是', 'the greeting in Chinese');
    await term.waitFor('还没有找到联系人。联系人在其他网络上时：/add IP', 'the hint');
    term.type('\x03');
    expect(await term.exited).toEqual({ code: 0, signal: null });
    // readline moves the cursor (CSI G, J); nothing sets a colour (CSI … m).
    // eslint-disable-next-line no-control-regex
    expect(term.text).not.toMatch(/\x1b\[[\d;]*m/);
  });
});

describe('packet-chat interactive: commands and errors', () => {
  it('chats by nickname, names deliveries, shows renames, keeps /nick across restarts', async () => {
    const ports = testPorts();
    const dir = tempDir();
    const alice = jsonNode(ports, '--nick', 'alice');
    const aliceReady = await alice.ready();
    const term = terminal(ports, { args: ['--nick', 'term', '--data-dir', dir] });
    const termPort = ports.clientPort + 1;
    await term.waitFor(`+ alice 127.0.0.1:${String(ports.clientPort)} is online`, 'alice');
    await term.waitFor(
      `Another PacketChat runs on this machine (alice 127.0.0.1:${String(ports.clientPort)}). A plain UDP tool writing to port ${String(ports.serverPort)} reaches only the copy started last; to write to this one, use port ${String(termPort)}: nc -u `,
      'the note for netcat users',
    );
    term.type('/to ALICE\n');
    await term.waitFor(`Talking to alice 127.0.0.1:${String(ports.clientPort)}`, '/to by name');
    term.type('lunch at noon? the usual place, bring the slides\n');
    await term.waitFor('✓ delivered: "lunch at noon? the usual…"', 'the delivery line');
    term.type('/history 1\n');
    await term.waitFor(
      /— the last 1 with alice [^\n]*\n\d\d:\d\d \[me ✓\] lunch at noon\?/,
      'history',
    );
    alice.send({ cmd: 'nick', nick: 'Alice Li' });
    await term.waitFor('~ alice is now known as Alice Li', 'the rename');
    term.type('@nobody hi\n');
    await term.waitFor('! no peer "nobody"; /peers lists them', 'the unknown-peer hint');
    term.type('/nick a\x07b\n');
    await term.waitFor(
      '! a nickname is 1 to 32 characters, without control characters',
      'bad nick',
    );
    term.type('/nick Terminal Tom\n');
    await term.waitFor('You are now Terminal Tom', 'the new nick');
    await alice.waitForType('peer', (e) => e.peer.nick === 'Terminal Tom');
    expect(await term.stop()).toEqual({ code: 0, signal: null });
    expect(aliceReady.nick).toBe('alice');

    // The nick was saved in the profile; a bad --nick is refused and that one stays.
    const again = terminal(ports, { args: ['--nick', 'a\x07b', '--data-dir', dir] });
    await again.waitFor('you are Terminal Tom', 'the saved nick');
    expect(again.stderr).toBe(
      'packet-chat: --nick must be 1 to 32 characters without control characters, got "a\\u0007b"\n',
    );
  });

  it("tags a peer whose name looks like the user's own by script (the confusables table)", async () => {
    // "аlice" with a Cyrillic а: only Unicode's confusables table maps it to "alice". The built
    // node loads that table at the first comparison (vite.cli.config.ts, lazyFiles).
    const ports = testPorts();
    const other = jsonNode(ports, '--nick', '\u0430lice');
    const ready = await other.ready();
    const term = terminal(ports, { args: ['--nick', 'alice', '--data-dir', tempDir()] });
    const tag = ready.nodeId.slice(0, 6);
    await term.waitFor(
      `+ \u0430lice \u00b7 ${tag} 127.0.0.1:${String(ports.clientPort)} is online`,
      'the tagged look-alike',
    );
    expect(term.stderr).toBe('');
  });

  it('a server port in use names --server-port; a locked profile names --profile', async () => {
    const ports = testPorts();
    const blocker = createSocket({ type: 'udp4', reuseAddr: false });
    opened.push(blocker);
    await new Promise<void>((resolve) => blocker.bind(ports.serverPort, '127.0.0.1', resolve));
    const busy = terminal(ports);
    expect((await busy.exited).code).toBe(1);
    expect(busy.stderr).toBe(
      `packet-chat: UDP port ${String(ports.serverPort)} is in use by another program. Start with --server-port N to use another port.\n`,
    );

    const other = testPorts();
    const dir = tempDir();
    await jsonNode(other, '--data-dir', dir).ready();
    const locked = terminal(other, { args: ['--data-dir', dir] });
    expect((await locked.exited).code).toBe(1);
    expect(locked.stderr).toBe(
      `packet-chat: The profile "${dir}" is in use by another running copy. Start with --profile NAME to use another profile.\n`,
    );
  });
});

describe('packet-chat interactive: groups', () => {
  it('shows a group it was added to, talks in it, and @mentions go both ways', async () => {
    const ports = testPorts();
    const ann = jsonNode(ports, '--nick', 'ann');
    await ann.ready();
    const ben = jsonNode(ports, '--nick', 'ben');
    const benReady = await ben.ready();
    const term = terminal(ports, { args: ['--nick', 'term', '--data-dir', tempDir()] });
    const termId = (await ann.waitForType('peer', (e) => e.peer.nick === 'term' && e.peer.online))
      .peer.id;
    await ann.waitForType('peer', (e) => e.peer.id === benReady.nodeId && e.peer.online);
    await term.waitFor('+ ben 127.0.0.1:', 'ben online');
    await term.waitFor('+ ann 127.0.0.1:', 'ann online');

    ann.send({ cmd: 'group-create', name: 'team', members: [benReady.nodeId, termId] });
    const id = (await ann.waitForType('group', (e) => e.change === 'created')).group.id;
    await term.waitFor('~ #team: you were added, 3 members', 'the group appears');
    term.type('/groups\n');
    await term.waitFor('1. #team, 3 members', '/groups');
    term.type('/to #te\n');
    await term.waitFor('Talking to #team', '/to by the first letters of the name');

    // Typed by hand in any case: @BEN mentions ben, and only ben.
    term.type('agenda @BEN: the slides\n');
    const toBen = await ben.waitForType(
      'message',
      (e) => e.message.text === 'agenda @BEN: the slides',
    );
    expect(toBen.message).toMatchObject({ from: termId, group: id, mentions: [benReady.nodeId] });
    const toAnn = await ann.waitForType(
      'message',
      (e) => e.message.text === 'agenda @BEN: the slides',
    );
    expect(toAnn.message.mentions).toEqual([benReady.nodeId]);
    await term.waitFor('✓ delivered: "agenda @BEN: the slides"', 'acknowledged by both members');

    ann.send({ cmd: 'send', to: `group:${id}`, text: 'ok @term', mentions: [termId] });
    await term.waitFor(/\[#team ann 127\.0\.0\.1:\d+\] @ you ok @term/, 'the mention of me');

    // A group made in the terminal; leaving one.
    term.type('/newgroup duo ann\n');
    await term.waitFor('Talking to #duo', '/newgroup selects the new group');
    const duo = await ann.waitForType('group', (e) => e.group.name === 'duo');
    expect(duo).toMatchObject({ change: 'joined', group: { creator: termId } });
    term.type('/leave #team\n');
    await term.waitFor(/~ #team: you left, \d members/, '/leave');
    await ann.waitForType('group', (e) => e.group.id === id && !e.group.members.includes(termId));
    expect(await term.stop()).toEqual({ code: 0, signal: null });
  });
});
