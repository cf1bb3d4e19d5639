import { describe, expect, it } from 'vitest';
import {
  greeting,
  hhmm,
  messageLine,
  noticeLine,
  peerChangeLine,
  peersList,
  snippet,
  stateLine,
  strangerLine,
  warningLine,
} from '../../../electron/cli/format';
import { contact, markedUi, message, plainUi, selfInfo } from './cli-fixtures';

const BIDI = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
let everyControl = '';
for (let code = 0; code <= 0x9f; code += 1)
  if (code < 0x20 || code >= 0x7f) everyControl += String.fromCharCode(code);
const NASTY = `x${everyControl}${BIDI}y`;
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('every line with text from the network', () => {
  const evil = contact(NASTY, { host: NASTY, address: NASTY });
  const lines = [
    greeting(plainUi, selfInfo({ nick: NASTY })),
    peerChangeLine(plainUi, { change: 'added', peer: evil }, undefined),
    peerChangeLine(plainUi, { change: 'offline', peer: evil }, undefined),
    peerChangeLine(plainUi, { change: 'moved', peer: evil, previous: evil }, undefined),
    peerChangeLine(plainUi, { change: 'updated', peer: evil }, contact(`old${NASTY}`)),
    peerChangeLine(
      plainUi,
      { change: 'path', peer: { ...evil, path: { kind: 'relay', broker: NASTY } } },
      undefined,
    ),
    strangerLine(plainUi, evil),
    messageLine(plainUi, message({ text: NASTY, remote: NASTY }), evil),
    stateLine(
      plainUi,
      { id: 'm', peerId: evil.id, state: 'failed', transport: 'udp', attempts: 7 },
      NASTY,
      evil,
    ),
    peersList(plainUi, [evil], evil.id),
    warningLine(plainUi, { code: 'junk', message: NASTY, suppressed: 0 }),
    noticeLine(plainUi, { level: 'warning', code: 'x', message: NASTY }),
  ];

  it.each(lines.map((line, i) => [i, line]))(
    'line %i has no raw control or bidi character',
    (_, line) => {
      expect(line).toBeDefined();
      expect(line).not.toMatch(RAW_CONTROL);
      expect(line).toContain('\\x1b');
      expect(line).toContain('\\u202e');
    },
  );

  it('keeps newlines and tabs only inside a message body, each new line indented', () => {
    expect(
      messageLine(
        plainUi,
        message({ text: 'one\n\ttwo\n12:00 [bob 10.0.0.9:4000] fake' }),
        contact('alice'),
      ),
    ).toBe('12:00 [alice 192.168.1.5:4000] one\n      \ttwo\n      12:00 [bob 10.0.0.9:4000] fake');
    expect(peerChangeLine(plainUi, { change: 'added', peer: contact('a\nb\tc') }, undefined)).toBe(
      '+ a\\x0ab\\x09c 192.168.1.5:4000 is online (a\\x0ab\\x09c-host)',
    );
  });
});

describe('message lines', () => {
  it('carry the time, who wrote and from where', () => {
    expect(messageLine(plainUi, message({ text: 'hi' }), contact('alice'))).toBe(
      '12:00 [alice 192.168.1.5:4000] hi',
    );
    expect(
      messageLine(
        plainUi,
        message({ peerId: 'stranger:10.0.0.9:5000', remote: '10.0.0.9:5000' }),
        undefined,
      ),
    ).toBe('12:00 [stranger 10.0.0.9:5000 · not encrypted] hello');
    expect(messageLine(plainUi, message({ direction: 'out', state: 'delivered' }), undefined)).toBe(
      '12:00 [me ✓] hello',
    );
  });

  it('are coloured around the safe text only', () => {
    expect(messageLine(markedUi, message({ text: 'hi' }), contact('al\x1bice'))).toBe(
      '<dim>12:00</dim> <cyan>[al\\x1bice 192.168.1.5:4000]</cyan> hi',
    );
  });

  it('use the local time as HH:MM', () => {
    expect(hhmm(new Date(2024, 0, 2, 7, 5).getTime())).toBe('07:05');
    expect(hhmm(new Date(2024, 0, 2, 23, 59, 59).getTime())).toBe('23:59');
  });
});

describe('look-alike names', () => {
  it('carry the short fingerprint wherever the name is shown, and trust marks in /peers', () => {
    const real = contact('alice', { id: 'a'.repeat(32), trust: 'verified' });
    const fake = contact('\u0430lice', { id: 'b'.repeat(32), trust: 'key-changed' });
    const tags = new Map([
      [real.id, 'aaaaaa'],
      [fake.id, 'bbbbbb'],
    ]);
    const ui = { ...plainUi, tagOf: (id: string) => tags.get(id) };
    expect(messageLine(ui, message({ peerId: fake.id, text: 'hi' }), fake)).toBe(
      '12:00 [\u0430lice · bbbbbb 192.168.1.5:4000] hi',
    );
    expect(peerChangeLine(ui, { change: 'added', peer: fake }, undefined)).toContain(
      '+ \u0430lice · bbbbbb 192.168.1.5:4000 is online',
    );
    expect(peersList(ui, [real, fake], undefined).split('\n')).toEqual([
      '1. alice · aaaaaa 192.168.1.5:4000 online ✓ verified',
      '2. \u0430lice · bbbbbb 192.168.1.5:4000 online ! key changed',
    ]);
  });
});

describe('delivery lines', () => {
  const alice = contact('alice');
  const change = (state: 'delivered' | 'pending' | 'failed' | 'sending', peerId = alice.id) => ({
    id: 'Qx81kZ',
    peerId,
    state,
    transport: 'udp' as const,
    attempts: 1,
  });

  it('name the message by its first words, never by its id', () => {
    const text = 'lunch at noon? the usual place, bring the slides';
    expect(stateLine(plainUi, change('delivered'), text, alice)).toBe(
      '✓ delivered: "lunch at noon? the usual…"',
    );
    expect(stateLine(plainUi, change('pending'), text, alice)).toBe(
      '… alice is away; will send when it is back: "lunch at noon? the usual…"',
    );
    expect(stateLine(plainUi, change('failed'), 'short', alice)).toBe(
      '! not delivered to alice: "short"',
    );
    expect(stateLine(plainUi, change('sending'), text, alice)).toBeUndefined();
    expect(stateLine(plainUi, change('delivered'), undefined, alice)).toBe(
      '✓ delivered: "a message"',
    );
    expect(
      stateLine(plainUi, change('delivered', 'stranger:10.0.0.9:5000'), 'hey', undefined),
    ).toBe('✓ sent: "hey"');
  });

  it('cut long words and flatten lines', () => {
    expect(snippet('a\nb   c')).toBe('a b c');
    expect(snippet('x'.repeat(40))).toBe(`${'x'.repeat(24)}…`);
    expect(snippet('你好'.repeat(20))).toBe(`${'你好'.repeat(12)}…`);
  });
});

describe('peer changes', () => {
  const alice = contact('alice');
  it('show a change of path, and a relay peer by its broker', () => {
    const relayed = {
      ...alice,
      path: { kind: 'relay', broker: 'relay.example.org:8883' },
    } as const;
    expect(peerChangeLine(plainUi, { change: 'path', peer: relayed }, alice)).toBe(
      '~ alice is reached via relay relay.example.org:8883',
    );
    expect(peerChangeLine(plainUi, { change: 'path', peer: alice }, relayed)).toBe(
      '~ alice is reached on the LAN at 192.168.1.5:4000',
    );
    expect(peerChangeLine(plainUi, { change: 'online', peer: relayed }, undefined)).toBe(
      '+ alice via relay relay.example.org:8883 is online (alice-host)',
    );
  });

  it('show renames, and nothing for other updates', () => {
    const renamed = { ...alice, nick: 'Alice Li' };
    expect(peerChangeLine(plainUi, { change: 'updated', peer: renamed }, alice)).toBe(
      '~ alice is now known as Alice Li',
    );
    expect(
      peerChangeLine(plainUi, { change: 'updated', peer: { ...alice, status: 'away' } }, alice),
    ).toBeUndefined();
    expect(
      peerChangeLine(plainUi, { change: 'updated', peer: renamed }, undefined),
    ).toBeUndefined();
  });

  it('show arrivals, departures and moves with IP:port', () => {
    expect(peerChangeLine(plainUi, { change: 'online', peer: alice }, undefined)).toBe(
      '+ alice 192.168.1.5:4000 is online (alice-host)',
    );
    expect(peerChangeLine(plainUi, { change: 'offline', peer: alice }, undefined)).toBe(
      '- alice 192.168.1.5:4000 went offline',
    );
    expect(
      peerChangeLine(
        plainUi,
        { change: 'moved', peer: alice, previous: { address: '192.168.1.5', port: 4001 } },
        undefined,
      ),
    ).toBe('~ alice moved from 192.168.1.5:4001 to 192.168.1.5:4000');
  });

  it('list peers with their number, state and the selected one', () => {
    const bob = contact('bob', { online: false, port: 4001 });
    expect(peersList(plainUi, [alice, bob], bob.id)).toBe(
      '1. alice 192.168.1.5:4000 online\n2. bob 192.168.1.5:4001 offline <',
    );
    expect(peersList(plainUi, [], undefined)).toBe('No peers yet. Waiting for announces…');
  });
});
