/**
 * The text body form (docs/PROTOCOL.md, "Text bodies") over real sockets: long texts go in it over
 * TCP between nodes that offer `text-body`, and come out exactly as sent; a node without the
 * feature (the `textBody: false` option stands for a node made before it) is sent the JSON form
 * and talks both ways; with the threshold lowered the form crosses UDP too, beside bundles;
 * hostile body records from an authenticated peer are dropped alone, and the node goes on.
 */
import { describe, expect, it } from 'vitest';
import type { NodeOptions, PacketChatNode } from '../../../electron/net/index';
import type { ChatMessage, MessageStateChange, Transport } from '../../../shared/domain';
import {
  MAX_TEXT_BYTES,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants';
import { TEXT_BODY_PREFIX_BYTES, TEXT_BODY_TAG } from '../../../shared/protocol/text-body';
import { testPorts } from '../../helpers/ports';
import { online, startedNodes } from '../../helpers/started-nodes';
import { waitForEvent, waitUntil } from '../../helpers/wait';

const { start, hostileSession, pairOf } = startedNodes();

/** Sends `text` and waits until the receiver shows it and the sender has its ack. */
async function deliver(
  from: PacketChatNode,
  to: PacketChatNode,
  text: string,
): Promise<{ received: ChatMessage; transport: Transport | undefined }> {
  const got = waitForEvent<ChatMessage>(
    to,
    'message',
    (m) => m.peerId === from.id && m.text === text,
  );
  const sent = await from.sendText(to.id, text);
  const acked = waitForEvent<MessageStateChange>(
    from,
    'message-state',
    (u) => u.id === sent.id && u.state === 'delivered',
  );
  const received = await got;
  return { received, transport: (await acked).transport };
}

/** The first byte of each sealed `text` record `node` sent (its plaintext), in order. */
function sentForms(node: PacketChatNode, transport: Transport): number[] {
  return node
    .packets()
    .filter((e) => e.direction === 'out' && e.transport === transport && e.kind === 'text')
    .map((e) => {
      const payload = node.payload(e.seq);
      expect(payload?.decrypted).toBe(true);
      return payload?.bytes[0] ?? -1;
    });
}

const JSON_START = 0x7b; // {
const junkOf = (node: PacketChatNode): number => {
  const c = node.info().counters;
  return c.junkDropped + c.unknownKindsIgnored;
};

/** Exactly MAX_TEXT_BYTES of UTF-8 made of `unit` and ASCII filler. */
function fill(unit: string): string {
  let text = '';
  while (Buffer.byteLength(text + unit) <= MAX_TEXT_BYTES) text += unit;
  while (Buffer.byteLength(`${text}.`) <= MAX_TEXT_BYTES) text += '.';
  return text;
}

const LONG_TEXTS: [string, string][] = [
  ['ASCII at the limit', 'a'.repeat(MAX_TEXT_BYTES)],
  ['multi-byte at the limit', fill('Grüße 你好 "quoted" \\ \n')],
  ['emoji at the limit', fill('😀👍🏽👨‍👩‍👧')],
  ['just over the threshold', 'b'.repeat(1_024)],
];

describe('text bodies between two nodes that have them', () => {
  it('carry long texts over TCP both ways, exactly, and the log reads them back', async () => {
    const { a, b } = await pairOf({}, {});
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const [name, text] of LONG_TEXTS) {
        const { received, transport } = await deliver(from, to, text);
        expect(received.text, name).toBe(text);
        expect(received.transport).toBe('tcp');
        expect(transport).toBe('tcp');
      }
      expect(sentForms(from, 'tcp')).toEqual(LONG_TEXTS.map(() => TEXT_BODY_TAG));
    }
    // Each record went out in its parts (header, ciphertext, tag): logged at its whole size.
    for (const e of a.packets().filter((p) => p.direction === 'out' && p.transport === 'tcp'))
      if (e.kind === 'text') expect(e.size).toBe((a.payload(e.seq)?.size ?? 0) + 29);
    // Read from the record's plaintext when asked for: the packet the sender sent.
    const entry = a
      .packets()
      .find((e) => e.direction === 'in' && e.transport === 'tcp' && e.kind === 'text');
    expect(entry?.summary).toContain('a'.repeat(20));
    expect(entry?.peerId).toBe(b.id);
    expect(junkOf(a) + junkOf(b)).toBe(0);
  });

  it('leave a short text in the JSON form', async () => {
    const { a, b } = await pairOf({}, {});
    await deliver(a, b, 'c'.repeat(1_023));
    await deliver(a, b, 'short');
    expect(sentForms(a, 'tcp')).toEqual([JSON_START]);
    expect(sentForms(a, 'udp').every((form) => form === JSON_START)).toBe(true);
  });
});

describe('a node without text bodies', () => {
  it('is sent the JSON form and exchanges long texts both ways with one that has them', async () => {
    const { a, b: old } = await pairOf({}, { textBody: false });
    for (const [from, to] of [
      [a, old],
      [old, a],
    ] as const) {
      for (const [name, text] of LONG_TEXTS) {
        const { received } = await deliver(from, to, text);
        expect(received.text, name).toBe(text);
      }
      expect(sentForms(from, 'tcp')).toEqual(LONG_TEXTS.map(() => JSON_START));
    }
    expect(junkOf(a) + junkOf(old)).toBe(0);
  });
});

describe('text bodies over UDP (the threshold lowered)', () => {
  it('go as records of their own, in order, and JSON to an older node', async () => {
    const low = { textBodyMinChars: 1 };
    const { a, b } = await pairOf(low, low);
    const got: string[] = [];
    b.on('message', (m) => {
      if (m.peerId === a.id) got.push(m.text);
    });
    const texts = Array.from({ length: 40 }, (_, i) => `${i} ünïcödé 😀`);
    const sent = await Promise.all(texts.map((t) => a.sendText(b.id, t)));
    expect(sent.every((m) => m.transport === 'udp')).toBe(true);
    await waitUntil(() => got.length === texts.length, 10_000, 'every text at b');
    expect(got).toEqual(texts);
    const forms = sentForms(a, 'udp');
    expect(forms.length).toBeGreaterThanOrEqual(texts.length);
    expect(new Set(forms)).toEqual(new Set([TEXT_BODY_TAG]));
    expect(junkOf(a) + junkOf(b)).toBe(0);

    const old = await start({ ...testPorts(), textBody: false, peers: [] });
    a.addPeer(`127.0.0.1:${old.info().clientPort}`);
    await waitUntil(() => online(a, old.id) && online(old, a.id), 5_000, 'the older node');
    const { received } = await deliver(a, old, 'to the older node');
    expect(received.text).toBe('to the older node');
    const toOld = a
      .packets()
      .filter((e) => e.direction === 'out' && e.peerId === old.id && e.kind === 'text');
    expect(toOld.map((e) => a.payload(e.seq)?.bytes[0])).toEqual([JSON_START]);
    expect(junkOf(old)).toBe(0);
  });
});

describe('hostile text bodies from an authenticated peer', () => {
  async function hostilePeer(options: NodeOptions) {
    const victim = await start({ ...testPorts(), broadcast: [], ...options });
    const { mallory, session } = await hostileSession(victim, ['bundle', 'compact', 'text-body']);
    await waitUntil(() => online(victim, mallory.id), 5_000, 'mallory known');
    const got: string[] = [];
    victim.on('message', (m) => {
      if (m.peerId === mallory.id) got.push(m.text);
    });
    const enc = new TextEncoder();
    /** A body record: `head` fields as the JSON part, `text` bytes, the length `length`. */
    const send = (seq: number, text: Uint8Array | string, head = {}, length?: number): void => {
      const body = typeof text === 'string' ? enc.encode(text) : text;
      const json = enc.encode(
        JSON.stringify({
          proto: PROTOCOL_MARKER,
          v: PROTOCOL_VERSION,
          kind: 'text',
          from: mallory.id,
          id: `b${seq}`,
          epoch: 'bodyepoch',
          seq,
          floor: 1,
          ts: Date.now(),
          ...head,
        }),
      );
      const out = new Uint8Array(TEXT_BODY_PREFIX_BYTES + json.byteLength + body.byteLength);
      out[0] = TEXT_BODY_TAG;
      new DataView(out.buffer).setUint32(1, length ?? body.byteLength);
      out.set(json, TEXT_BODY_PREFIX_BYTES);
      out.set(body, TEXT_BODY_PREFIX_BYTES + json.byteLength);
      mallory.sendSealed(session, out);
    };
    return { victim, mallory, got, send };
  }

  it('drops each bad one alone, never shows replaced characters, and goes on', async () => {
    const { victim, got, send } = await hostilePeer({});
    send(1, 'one 😀');
    await waitUntil(() => got.length === 1, 5_000, 'a valid body record');
    const junk = victim.info().counters.junkDropped;
    send(90, new Uint8Array([0x61, 0xff, 0x62])); // invalid UTF-8
    send(91, new Uint8Array([0xf0, 0x9f, 0x98])); // a cut emoji
    send(92, 'length lies', {}, 5); // says less than follows
    send(93, 'length lies', {}, 50); // says more than the record holds
    send(94, 'two texts', { text: 'the other one' });
    send(95, '', {}); // an empty text
    send(96, 'bad seq', { seq: 0 });
    send(97, 'another sender', { from: 'a'.repeat(32) });
    send(98, 'no text', { kind: 'ack' });
    await waitUntil(() => victim.info().counters.junkDropped - junk === 9, 5_000, 'nine refused');
    send(2, 'two');
    await waitUntil(() => got.length === 2, 5_000, 'a valid body record after the bad ones');
    expect(got).toEqual(['one 😀', 'two']);
    expect(victim.info().counters.junkDropped - junk).toBe(9);
  });

  it('is junk to a node without the feature, which never shows it', async () => {
    const { victim, got, send } = await hostilePeer({ textBody: false });
    const junk = victim.info().counters.junkDropped;
    send(1, 'one');
    await waitUntil(() => victim.info().counters.junkDropped > junk, 5_000, 'refused');
    expect(got).toEqual([]);
  });
});
