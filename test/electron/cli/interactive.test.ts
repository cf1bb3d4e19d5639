// The terminal chat as a transport: contract events in, lines out; typed lines in, calls out.
// The backend is a stand-in with the calls each test needs; time is Vitest's fake clock.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, GroupInfo } from '../../../shared/domain';
import { IpcFailure, type CallHandlers } from '../../../shared/ipc/contract';
import { callSchemas } from '../../../shared/ipc/schemas';
import { createInteractive } from '../../../electron/cli/interactive';
import type { TerminalOutput } from '../../../electron/cli/terminal-output';
import { translator } from '../../../electron/cli/i18n';
import {
  displayWidth,
  durationText,
  sizeText,
  splitWords,
} from '../../../electron/cli/interactive-files';
import type { TransferInfo } from '../../../shared/transfers';
import { contact, message, plainUi, selfInfo } from './cli-fixtures';

function handlersWith(some: Partial<CallHandlers>): CallHandlers {
  const missing = () => {
    throw new IpcFailure('unavailable', 'not in this test');
  };
  return Object.fromEntries(
    Object.keys(callSchemas).map((name) => [name, some[name as keyof CallHandlers] ?? missing]),
  ) as CallHandlers;
}

interface Chat {
  readonly printed: string[];
  readonly prompts: string[];
  /** What the status line (the progress bar) showed, in order; undefined: taken away. */
  readonly statuses: (string | undefined)[];
  readonly transport: ReturnType<typeof createInteractive>;
  /** Types one line and waits until the chat is done with it. */
  type(line: string): Promise<void>;
  quit: ReturnType<typeof vi.fn>;
}

function startChat(
  handlers: Partial<CallHandlers> = {},
  options: Partial<Parameters<typeof createInteractive>[0]> = {},
): Chat {
  const printed: string[] = [];
  const prompts: string[] = [];
  const statuses: (string | undefined)[] = [];
  let handled = 0;
  const output: TerminalOutput = {
    print: (text) => printed.push(text),
    setPrompt: (prompt) => prompts.push(prompt),
    prompt: () => (handled += 1),
    status: (text) => statuses.push(text),
    columns: () => 120,
  };
  const transport = createInteractive({
    output,
    ui: plainUi,
    broadcastGiven: true,
    hintAfterMs: 10_000,
    ...options,
  });
  const lines = new EventEmitter();
  const quit = vi.fn();
  transport.run(handlersWith({ 'contacts:list': () => [], ...handlers }), lines, quit);
  return {
    printed,
    prompts,
    statuses,
    transport,
    quit,
    async type(line) {
      const before = handled;
      lines.emit('line', line);
      await vi.waitFor(() => expect(handled).toBeGreaterThan(before));
    },
  };
}

const alice = contact('alice', { firstSeen: 1 });
const alfred = contact('alfred', { firstSeen: 2, port: 4001 });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the terminal chat, start and discovery', () => {
  it('greets, and after the quiet time with nobody found, says how to find peers', () => {
    const chat = startChat();
    chat.transport.emit('self', selfInfo());
    expect(chat.printed[0]).toMatch(/^PacketChat: you are me, talking from port 4000/);
    vi.advanceTimersByTime(9_999);
    expect(chat.printed.join('\n')).not.toMatch(/No peers found/);
    vi.advanceTimersByTime(1);
    expect(chat.printed.at(-1)).toBe(
      'No peers found yet. For a peer on another network: /add IP, or start with --peer IP or --broadcast ADDR.',
    );
  });

  it('gives no hint once a peer is online', () => {
    const chat = startChat();
    chat.transport.emit('self', selfInfo());
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    vi.advanceTimersByTime(10_000);
    expect(chat.printed.join('\n')).not.toMatch(/No peers found/);
  });

  it('says so in one line when discovery fell back to loopback', () => {
    const chat = startChat({}, { broadcastGiven: false });
    chat.transport.emit('self', selfInfo({ discoveryTargets: ['127.255.255.255:8000'] }));
    chat.transport.emit('self', selfInfo({ discoveryTargets: ['127.255.255.255:8000'] }));
    const notes = chat.printed.filter((l) => l.includes('this machine only'));
    expect(notes).toEqual([
      'No network interface has a broadcast address: looking for peers on this machine only (127.255.255.255).',
    ]);
  });

  it('tells once which port a netcat user should use when another copy runs here', () => {
    const chat = startChat();
    chat.transport.emit('self', selfInfo());
    const near = contact('bob', { address: '127.0.0.1', port: 4001 });
    chat.transport.emit('contact', { change: 'added', peer: near, kind: 'peer' });
    chat.transport.emit('contact', { change: 'online', peer: near, kind: 'peer' });
    const notes = chat.printed.filter((l) => l.startsWith('Another PacketChat'));
    expect(notes).toEqual([
      'Another PacketChat runs on this machine (bob 127.0.0.1:4001). A plain UDP tool writing to port 8000 reaches only the copy started last; to write to this one, use port 4000: nc -u 192.168.1.23 4000',
    ]);
  });

  it('speaks Chinese with a Chinese dictionary', () => {
    const printed: string[] = [];
    const transport = createInteractive({
      output: {
        print: (t) => printed.push(t),
        setPrompt: () => undefined,
        prompt: () => undefined,
        status: () => undefined,
        columns: () => undefined,
      },
      ui: { ...plainUi, t: translator('zh-CN') },
      broadcastGiven: true,
      hintAfterMs: 10_000,
    });
    transport.emit('self', selfInfo());
    expect(printed[0]).toMatch(/^PacketChat：你是 me，从端口 4000 通信/);
  });
});

describe('the terminal chat, peers and messages', () => {
  it('selects the first peer online and shows it in the prompt; renames are shown', () => {
    const chat = startChat();
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    expect(chat.prompts.at(-1)).toBe('alice> ');
    chat.transport.emit('contact', {
      change: 'updated',
      peer: { ...alice, nick: 'Alice Li' },
      kind: 'peer',
    });
    expect(chat.printed.at(-1)).toBe('~ alice is now known as Alice Li');
    expect(chat.prompts.at(-1)).toBe('Alice Li> ');
  });

  it('names delivered, pending and failed messages by their first words', async () => {
    const sent: ChatMessage[] = [];
    const chat = startChat({
      'messages:send': ({ peerId, text }) => {
        const m = message({
          id: `m${String(sent.length)}`,
          peerId,
          text,
          direction: 'out',
          state: 'sending',
        });
        sent.push(m);
        return m;
      },
    });
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    await chat.type('lunch at noon?');
    await chat.type('@alice are you there?');
    expect(sent.map((m) => [m.peerId, m.text])).toEqual([
      [alice.id, 'lunch at noon?'],
      [alice.id, 'are you there?'],
    ]);
    const state = (id: string, s: 'delivered' | 'pending' | 'failed') =>
      chat.transport.emit('message-state', {
        id,
        peerId: alice.id,
        state: s,
        transport: 'udp',
        attempts: 1,
      });
    state('m0', 'delivered');
    state('m1', 'pending');
    state('m1', 'failed');
    expect(chat.printed.slice(-3)).toEqual([
      '✓ delivered: "lunch at noon?"',
      '… alice is away; will send when it is back: "are you there?"',
      '! not delivered to alice: "are you there?"',
    ]);
  });

  it('/to takes a nickname in any case or its first letters, and lists an ambiguous one', async () => {
    const chat = startChat();
    for (const peer of [alice, alfred])
      chat.transport.emit('contact', { change: 'added', peer, kind: 'peer' });
    await chat.type('/to ALF');
    expect(chat.printed.at(-1)).toBe('Talking to alfred 192.168.1.5:4001');
    expect(chat.prompts.at(-1)).toBe('alfred> ');
    await chat.type('/to al');
    expect(chat.printed.at(-1)).toBe(
      '! "al" matches several peers: alice 192.168.1.5:4000, alfred 192.168.1.5:4001; type more of the name, or the number',
    );
    await chat.type('/to carol');
    expect(chat.printed.at(-1)).toBe('! no peer "carol"; /peers lists them');
  });

  it('/history [N] shows the last N of the selected conversation, 20 by default', async () => {
    const asked: number[] = [];
    const chat = startChat({
      'messages:history': ({ limit }) => {
        asked.push(limit);
        return {
          messages: [
            message({ text: 'one' }),
            message({ text: 'two', direction: 'out', state: 'delivered' }),
          ],
          nextCursor: null,
        };
      },
    });
    await chat.type('/history');
    expect(chat.printed.at(-1)).toBe('! nobody selected yet: /peers, then /to N');
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    await chat.type('/history');
    await chat.type('/history 5');
    await chat.type('/history lots');
    expect(asked).toEqual([20, 5]);
    expect(chat.printed.at(-2)).toBe(
      '— the last 2 with alice 192.168.1.5:4000 —\n12:00 [alice 192.168.1.5:4000] one\n12:00 [me ✓] two',
    );
    expect(chat.printed.at(-1)).toBe('! /history takes a number from 1 to 500');
  });

  it('explains failures with a hint, never as a raw error', async () => {
    const chat = startChat({
      'messages:send': () => {
        throw new IpcFailure('not-found', 'no such peer: 9', undefined, 'unknown-peer');
      },
      'settings:set': () => {
        throw new IpcFailure('invalid-argument', 'nick: bad', 'nick');
      },
      'contacts:add': () => ({ address: '10.0.0.7', port: 8000 }),
    });
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    await chat.type('hello');
    expect(chat.printed.at(-1)).toBe('! no peer "alice"; /peers lists them');
    await chat.type('@nobody hi');
    expect(chat.printed.at(-1)).toBe('! no peer "nobody"; /peers lists them');
    await chat.type('/nick a\x07b');
    expect(chat.printed.at(-1)).toBe(
      '! a nickname is 1 to 32 characters, without control characters',
    );
    await chat.type('/add 1.2.3');
    expect(chat.printed.at(-1)).toBe('! "1.2.3" is not an IPv4 address or IP:PORT');
    await chat.type('/add 10.0.0.7');
    expect(chat.printed.at(-1)).toBe('Announced to 10.0.0.7:8000');
    await chat.type('/fly');
    expect(chat.printed.at(-1)).toBe('! unknown command /fly; /help lists them');
    await chat.type('/quit');
    expect(chat.quit).toHaveBeenCalledOnce();
  });
});

describe('the terminal chat, groups', () => {
  // Members' ids are node ids (hex), as the contract checks.
  const ann = contact('ann', { id: 'a0'.repeat(16), firstSeen: 1 });
  const bob = contact('bob', { id: 'b0'.repeat(16), firstSeen: 3, port: 4002 });
  const me = selfInfo();
  const member = (id: string, admin = false) => ({ id, signingKey: 'k'.repeat(64), admin });
  const team: GroupInfo = {
    id: 'a1'.repeat(16),
    name: 'team',
    creator: ann.id,
    admins: [ann.id],
    members: [member(ann.id, true), member(bob.id), member(me.nodeId)],
    version: 1,
    status: 'member',
    updatedAt: 0,
  };
  const sales: GroupInfo = { ...team, id: 'b2'.repeat(16), name: 'Sales', status: 'left' };
  const teamId = `group:${team.id}`;

  function groupChat() {
    const sent: { peerId: string; text: string; mentions?: readonly string[] | undefined }[] = [];
    const chat = startChat({
      'groups:list': () => [team, sales],
      'messages:send': (request) => {
        sent.push(request);
        return message({
          id: `m${String(sent.length)}`,
          peerId: request.peerId,
          text: request.text,
          direction: 'out',
          state: 'sending',
        });
      },
      'messages:history': () => ({
        messages: [
          message({
            peerId: teamId,
            text: 'hi @me',
            group: { groupId: team.id, sender: ann.id, gap: false, mentions: [me.nodeId] },
          }),
          message({ peerId: teamId, text: 'yo', direction: 'out', state: 'delivered' }),
        ],
        nextCursor: null,
      }),
    });
    chat.transport.emit('self', me);
    for (const peer of [ann, bob])
      chat.transport.emit('contact', { change: 'added', peer, kind: 'peer' });
    return { chat, sent };
  }

  it('/groups lists them; /to #N or #NAME selects one; text goes to the group with its @mentions', async () => {
    const { chat, sent } = groupChat();
    await vi.waitFor(async () => {
      await chat.type('/groups');
      expect(chat.printed.at(-1)).toBe('1. #team, 3 members\n2. #Sales, 3 members, you left');
    });
    await chat.type('/to #te');
    expect(chat.printed.at(-1)).toBe('Talking to #team');
    expect(chat.prompts.at(-1)).toBe('#team> ');
    await chat.type('/groups');
    expect(chat.printed.at(-1)).toBe('1. #team, 3 members <\n2. #Sales, 3 members, you left');
    // @bob is a member: mentioned. @me is this node, @carol nobody: not mentioned.
    await chat.type('slides @bob, and @me and @carol?');
    await chat.type('/to #2');
    expect(chat.prompts.at(-1)).toBe('#Sales> ');
    await chat.type('#1 quick one for @ANN');
    expect(chat.prompts.at(-1)).toBe('#Sales> '); // sent to #team without switching
    await chat.type('/to #nope');
    expect(chat.printed.at(-1)).toBe('! no group "nope"; /groups lists them');
    expect(sent).toEqual([
      { peerId: teamId, text: 'slides @bob, and @me and @carol?', mentions: [bob.id] },
      { peerId: teamId, text: 'quick one for @ANN', mentions: [ann.id] },
    ]);
  });

  it('/newgroup NAME PEER… makes a group and selects it; /invite and /leave change it', async () => {
    const calls: unknown[] = [];
    const made: GroupInfo = { ...team, id: 'c3'.repeat(16), name: 'Sales team', members: [] };
    const chat = startChat({
      'groups:list': () => [],
      'groups:create': (request) => {
        calls.push(['create', request]);
        return made;
      },
      'groups:add': (request) => {
        calls.push(['add', request]);
        return made;
      },
      'groups:leave': (request) => {
        calls.push(['leave', request]);
        return { ...made, status: 'left' };
      },
    });
    chat.transport.emit('self', me);
    for (const peer of [ann, bob])
      chat.transport.emit('contact', { change: 'added', peer, kind: 'peer' });
    await chat.type('/invite bob');
    expect(chat.printed.at(-1)).toBe('! select a group first: /groups, then /to #N');
    await chat.type('/newgroup');
    expect(chat.printed.at(-1)).toBe(
      '! /newgroup NAME PEER…: a name, then the peers (numbers or nicknames from /peers)',
    );
    await chat.type('/newgroup "Sales team" ann carol');
    expect(chat.printed.at(-1)).toBe('! no peer "carol"; /peers lists them');
    await chat.type('/newgroup x 10.0.0.9:4000');
    expect(chat.printed.at(-1)).toBe(
      '! "10.0.0.9:4000" is not a PacketChat peer; only those can be in a group',
    );
    await chat.type('/newgroup "Sales team" ann');
    expect(chat.printed.at(-1)).toBe('Talking to #Sales team');
    expect(chat.prompts.at(-1)).toBe('#Sales team> ');
    await chat.type('/invite bob');
    await chat.type('/leave');
    expect(calls).toEqual([
      ['create', { name: 'Sales team', members: [ann.id] }],
      ['add', { groupId: made.id, member: bob.id }],
      ['leave', { groupId: made.id }],
    ]);
    await chat.type('/groups');
    expect(chat.printed.at(-1)).toBe('1. #Sales team, 0 members, you left <');
  });

  it('a line starting with # that names no group is an ordinary message', async () => {
    const { chat, sent } = groupChat();
    await chat.type('/to ann');
    await chat.type('#hashtag not a group');
    expect(sent).toEqual([{ peerId: ann.id, text: '#hashtag not a group' }]);
  });

  it('shows the group and "@ you" on messages, one waiting line per change of the tally, and changes', async () => {
    const { chat } = groupChat();
    await vi.waitFor(async () => {
      await chat.type('/to #team');
      expect(chat.printed.at(-1)).toBe('Talking to #team');
    });
    chat.transport.emit(
      'message',
      message({
        peerId: teamId,
        text: 'standup @me',
        remote: '192.168.1.5:4000',
        group: { groupId: team.id, sender: ann.id, gap: false, mentions: [me.nodeId] },
      }),
    );
    expect(chat.printed.at(-1)).toBe('12:00 [#team ann 192.168.1.5:4000] @ you standup @me');
    chat.transport.emit(
      'message',
      message({
        peerId: teamId,
        text: 'ok',
        remote: '192.168.1.5:4002',
        group: { groupId: team.id, sender: bob.id, gap: false },
      }),
    );
    expect(chat.printed.at(-1)).toBe('12:00 [#team bob 192.168.1.5:4002] ok');
    await chat.type('lunch?');
    const before = chat.printed.length;
    const tally = (delivered: number, waiting: string[]) =>
      chat.transport.emit('message-state', {
        id: 'm1',
        peerId: teamId,
        state: waiting.length === 0 ? 'delivered' : 'pending',
        transport: 'udp',
        attempts: 1,
        recipients: { delivered, total: 2, waiting, failed: [] },
      });
    tally(0, [ann.id, bob.id]);
    tally(0, [ann.id, bob.id]);
    tally(1, [bob.id]);
    tally(2, []);
    expect(chat.printed.slice(before)).toEqual([
      '… delivered to 0 of 2 in #team, waiting for ann, bob: "lunch?"',
      '… delivered to 1 of 2 in #team, waiting for bob: "lunch?"',
      '✓ delivered: "lunch?"',
    ]);
    await chat.type('/history 2');
    expect(chat.printed.at(-1)).toBe(
      '— the last 2 with #team —\n12:00 [#team ann 192.168.1.5:4000] @ you hi @me\n12:00 [#team me ✓] yo',
    );
    chat.transport.emit('group', {
      change: 'updated',
      group: { ...team, name: 'Team A', version: 2 },
      op: 'rename',
      by: ann.id,
    });
    expect(chat.printed.at(-1)).toBe('~ #Team A: members or name changed, 3 members');
    expect(chat.prompts.at(-1)).toBe('#Team A> ');
  });
});

describe('the terminal chat, files', () => {
  const base: TransferInfo = {
    id: 'ab12cd34'.padEnd(32, '0'),
    peerId: alice.id,
    direction: 'receive',
    state: 'offered',
    files: 3,
    filesDone: 0,
    filesFailed: 0,
    folders: 1,
    names: ['照片 📷', 'notes.txt'],
    bytes: 32 * 1024 * 1024,
    bytesDone: 0,
    rate: 0,
    createdAt: 10,
    updatedAt: 10,
  };
  const transfer = (change: Partial<TransferInfo>): TransferInfo => ({ ...base, ...change });

  it('/send offers the typed paths (quoted, relative, ~) to the selected peer', async () => {
    const sent: unknown[] = [];
    const chat = startChat(
      {
        'files:send': (args) => {
          sent.push(args);
          return transfer({ direction: 'send', names: ['a b.txt', 'c'], files: 2, bytes: 1536 });
        },
      },
      { cwd: '/work/here', home: '/home/me' },
    );
    await chat.type('/send x');
    expect(chat.printed.at(-1)).toBe('! nobody selected yet: /peers, then /to N');
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    await chat.type('/send "a b.txt" ~/c');
    expect(sent).toEqual([{ peerId: alice.id, paths: ['/work/here/a b.txt', '/home/me/c'] }]);
    expect(chat.printed.at(-1)).toBe('⇡ offered 2 files, 1.5 KiB to alice: a b.txt, c (ab12cd34)');
    await chat.type('/send');
    expect(chat.printed.at(-1)).toBe('! /send needs a file or folder: /send PATH…');
    // Our own offer comes back as a card message and an `offered` event: neither is a line.
    const lines = chat.printed.length;
    chat.transport.emit('message', message({ direction: 'out', file: fileCard() }));
    chat.transport.emit('transfer', { transfer: transfer({ direction: 'send' }) });
    expect(chat.printed).toHaveLength(lines);
  });

  it('shows an incoming offer once, and /accept takes the newest into DIR or here', async () => {
    const accepted: unknown[] = [];
    const older = transfer({ id: 'ee'.repeat(16), createdAt: 5, names: ['old.bin'] });
    const chat = startChat(
      {
        'files:list': () => [older, base, transfer({ id: 'ff'.repeat(16), direction: 'send' })],
        'files:accept': (args) => {
          accepted.push(args);
          return transfer({ state: 'accepted', dir: args.dir });
        },
      },
      { cwd: '/work/here', home: '/home/me' },
    );
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    chat.transport.emit('message', message({ file: fileCard() }));
    chat.transport.emit('transfer', { transfer: base });
    chat.transport.emit('transfer', { transfer: base });
    expect(chat.printed.filter((l) => l.includes('offers'))).toEqual([
      '⇣ alice offers 3 files, 32.0 MiB: 照片 📷, notes.txt. /accept ab12cd34 [DIR] takes it',
    ]);
    await chat.type('/accept');
    await chat.type('/accept eeee Downloads');
    await chat.type('/accept ~/in');
    expect(accepted).toEqual([
      { id: base.id, dir: '/work/here' },
      { id: older.id, dir: '/work/here/Downloads' },
      { id: base.id, dir: '/home/me/in' },
    ]);
    await chat.type('/accept 9999');
    expect(chat.printed.at(-1)).toBe('! no offer "9999" is waiting; /transfers lists them');
    await chat.type('/accept ffff');
    expect(chat.printed.at(-1)).toBe('! no offer "ffff" is waiting; /transfers lists them');
    await chat.type('/accept a b c');
    expect(chat.printed.at(-1)).toBe(
      "! /accept [ID] [DIR]: the offer's id (from /transfers) and a folder",
    );
  });

  it('/decline, /cancel, /pause and /resume take the id /transfers shows', async () => {
    const calls: [string, unknown][] = [];
    const sending = transfer({ id: 'ab99'.padEnd(32, '1'), direction: 'send', state: 'active' });
    const ipmsg = transfer({ id: 'ipmsg:192.168.1.60#42', peerId: 'ipmsg:192.168.1.60' });
    const step =
      (name: string, state: TransferInfo['state']) =>
      (args: { id: string }): TransferInfo => {
        calls.push([name, args]);
        return transfer({ id: args.id, state, updatedAt: 11 });
      };
    const chat = startChat({
      'files:list': () => [base, sending, ipmsg],
      'files:decline': step('decline', 'declined'),
      'files:cancel': step('cancel', 'cancelled'),
      'files:pause': step('pause', 'paused'),
      'files:resume': step('resume', 'active'),
    });
    await chat.type('/decline ab12cd34');
    await chat.type('/pause AB99');
    await chat.type('/resume ab991111');
    expect(chat.printed.at(-1)).toBe('▶ resumed: 照片 📷, notes.txt');
    await chat.type('/cancel ipmsg:192.168.1.60#42');
    expect(calls).toEqual([
      ['decline', { id: base.id }],
      ['pause', { id: sending.id }],
      ['resume', { id: sending.id }],
      ['cancel', { id: ipmsg.id }],
    ]);
    // Wrong ids, two at once, none: each says what to type instead; nothing is called.
    await chat.type('/pause ab');
    expect(chat.printed.at(-1)).toBe('! "ab" starts several ids; type more of it');
    await chat.type('/cancel 9999');
    expect(chat.printed.at(-1)).toBe('! no transfer "9999"; /transfers lists them');
    await chat.type('/resume');
    expect(chat.printed.at(-1)).toBe("! /resume ID: the transfer's id, as /transfers shows it");
    await chat.type('/decline ab12 ab99');
    expect(chat.printed.at(-1)).toBe("! /decline ID: the transfer's id, as /transfers shows it");
    expect(calls).toHaveLength(4);
  });

  it('says why a step does not fit the transfer, and /help lists the steps', async () => {
    const chat = startChat({
      'files:list': () => [transfer({ state: 'done' })],
      'files:pause': () => {
        throw new IpcFailure('invalid-argument', 'transfer is done', 'id', 'wrong-state');
      },
    });
    await chat.type('/pause ab12cd34');
    expect(chat.printed.at(-1)).toBe('! transfer is done');
    await chat.type('/help');
    const help = chat.printed.at(-1) ?? '';
    for (const command of ['/decline ID', '/cancel ID', '/pause ID', '/resume ID'])
      expect(help).toContain(command);
  });

  it('/accept with nothing waiting says so', async () => {
    const chat = startChat({ 'files:list': () => [transfer({ state: 'done' })] });
    await chat.type('/accept');
    expect(chat.printed.at(-1)).toBe('! no offer is waiting; /transfers lists them');
  });

  it('draws the progress bar at most every 500 ms, then a line per state change', () => {
    let now = 0;
    const chat = startChat({}, { now: () => now });
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    const MIB = 1024 * 1024;
    const progress = (bytesDone: number, rate: number): void =>
      chat.transport.emit('transfer', {
        transfer: transfer({ state: 'active', bytesDone, rate }),
      });
    progress(8 * MIB, 4 * MIB);
    now = 300;
    progress(10 * MIB, 4 * MIB); // too soon: not drawn
    now = 500;
    progress(16 * MIB, 4 * MIB);
    expect(chat.statuses).toEqual([
      '⇣ 照片 📷, notes.txt [█████░░░░░░░░░░░░░░░]   25%  8.0 MiB/32.0 MiB  4.0 MiB/s  6 s left',
      '⇣ 照片 📷, notes.txt [██████████░░░░░░░░░░]   50%  16.0 MiB/32.0 MiB  4.0 MiB/s  4 s left',
    ]);
    // A full disk: the bar goes, a line says why.
    now = 600;
    chat.transport.emit('transfer', {
      transfer: transfer({ state: 'paused', reason: 'disk-full' }),
    });
    chat.transport.emit('transfer', {
      transfer: transfer({ state: 'paused', reason: 'disk-full' }),
    });
    expect(chat.statuses.at(-1)).toBeUndefined();
    expect(chat.printed.filter((l) => l.startsWith('‖'))).toEqual([
      '‖ paused: 照片 📷, notes.txt. The disk is full; it goes on by itself when there is room.',
    ]);
    now = 700; // right after a state line the bar comes back at once
    progress(20 * MIB, 0);
    expect(chat.statuses.at(-1)).toBe(
      '⇣ 照片 📷, notes.txt [█████████████░░░░░░░]   62%  20.0 MiB/32.0 MiB',
    );
    chat.transport.emit('transfer', {
      transfer: transfer({ state: 'done', bytesDone: 32 * MIB, dir: '/in' }),
      files: [],
    });
    expect(chat.printed.at(-1)).toBe(
      '✓ received 3 files, 32.0 MiB from alice into /in, every SHA-256 checked',
    );
  });

  it('keeps the bar to the terminal width, counting CJK and emoji as two cells', () => {
    const chat = startChat({}, { now: () => 1_000 });
    chat.transport.emit('transfer', {
      transfer: transfer({ state: 'active', names: ['很长的文件夹名字'.repeat(6)], bytesDone: 1 }),
    });
    const bar = chat.statuses.at(-1) ?? '';
    expect(displayWidth(bar)).toBeLessThanOrEqual(119);
    expect(bar.endsWith('…')).toBe(true);
  });

  it('/transfers lists every transfer with its id, peer, size and state', async () => {
    const accepted: unknown[] = [];
    const chat = startChat(
      {
        'files:list': () => [
          transfer({ state: 'paused', reason: 'disk-full', bytesDone: 8 * 1024 * 1024 }),
          transfer({ id: '77'.repeat(16), direction: 'send', state: 'done', createdAt: 1 }),
          // Two IPMsg offers: their ids begin alike, so each is shown whole.
          transfer({ id: 'ipmsg:192.168.1.60#42', peerId: 'ipmsg:192.168.1.60', createdAt: 20 }),
          transfer({ id: 'ipmsg:192.168.1.60#43', peerId: 'ipmsg:192.168.1.60', createdAt: 21 }),
        ],
        'files:accept': (args) => {
          accepted.push(args);
          return transfer({ state: 'accepted', dir: args.dir });
        },
      },
      { cwd: '/work/here', home: '/home/me' },
    );
    chat.transport.emit('contact', { change: 'added', peer: alice, kind: 'peer' });
    await chat.type('/transfers');
    expect(chat.printed.at(-1)).toBe(
      [
        '77777777 ⇡ alice: 照片 📷, notes.txt · 3 files, 32.0 MiB · done 0%',
        'ab12cd34 ⇣ alice: 照片 📷, notes.txt · 3 files, 32.0 MiB · paused (disk-full) 25%',
        'ipmsg:192.168.1.60#42 ⇣ ipmsg:192.168.1.60: 照片 📷, notes.txt · 3 files, 32.0 MiB · offered 0%',
        'ipmsg:192.168.1.60#43 ⇣ ipmsg:192.168.1.60: 照片 📷, notes.txt · 3 files, 32.0 MiB · offered 0%',
      ].join('\n'),
    );
    // The id as shown takes the offer, with or without a folder after it.
    await chat.type('/accept ipmsg:192.168.1.60#42');
    await chat.type('/accept ipmsg:192.168.1.60#43 in');
    expect(accepted).toEqual([
      { id: 'ipmsg:192.168.1.60#42', dir: '/work/here' },
      { id: 'ipmsg:192.168.1.60#43', dir: '/work/here/in' },
    ]);
  });
});

describe('terminal file helpers', () => {
  it('splits words with quotes and backslashes', () => {
    expect(splitWords(` a "b c"  'd "e'  f\\ g ""`)).toEqual(['a', 'b c', 'd "e', 'f g', '']);
  });

  it('names sizes and durations', () => {
    expect([0, 512, 1536, 32 * 1024 * 1024, 1024 ** 3].map(sizeText)).toEqual([
      '0 B',
      '512 B',
      '1.5 KiB',
      '32.0 MiB',
      '1.00 GiB',
    ]);
    expect([4.4, 200, 7_500].map(durationText)).toEqual(['4 s', '3 min 20 s', '2 h 5 min']);
  });
});

function fileCard(): NonNullable<ChatMessage['file']> {
  return {
    transferId: 'ab12cd34'.padEnd(32, '0'),
    names: ['照片 📷'],
    files: 3,
    folders: 1,
    bytes: 1,
  };
}
