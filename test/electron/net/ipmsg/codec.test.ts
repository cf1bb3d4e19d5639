import { describe, expect, it } from 'vitest';
import {
  commandName,
  formatPacket,
  joinExtra,
  optionNames,
  parsePacket,
} from '../../../../electron/net/ipmsg/codec';
import { Command, Option } from '../../../../electron/net/ipmsg/constants';
import { FEIQ, IP_MESSENGER, IPTUX } from './recorded-packets';

function parsed(bytes: Uint8Array) {
  const result = parsePacket(bytes);
  if (!result.ok) throw new Error(`did not parse: ${result.reason}`);
  return result.packet;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('parsePacket', () => {
  it('reads iptux entries: header, nickname and the NUL sections', () => {
    const packet = parsed(IPTUX.entry);
    expect(packet).toMatchObject({
      version: '1_iptux 0.8.3',
      packetNo: 1,
      command: 257,
      mode: Command.BR_ENTRY,
      options: Option.ABSENCEOPT,
    });
    expect(text(packet.user)).toBe('root');
    expect(text(packet.host)).toBe('vm');
    expect(text(packet.body)).toBe('iptuxA');
    expect(packet.sections.map(text)).toEqual(['grp', 'icon-tux.png', 'utf-8']);
  });

  it('splits on the first five colons only: the extra part keeps its colons', () => {
    const packet = parsed(Buffer.from('1:7:u:h:32:a:b::c\0'));
    expect(text(packet.body)).toBe('a:b::c');
    expect(packet.extra.byteLength).toBe(7);
  });

  it('accepts every version starting with 1 (FeiQ, IP Messenger, iptux)', () => {
    expect(parsed(FEIQ.entry).version).toBe('1_lbt6_0#128#000C29AABBCC#0#0#0#4001#9');
    expect(parsed(FEIQ.message).version).toBe('1_lbt4_10#32899#002481627512#0#0#0');
    expect(parsed(IP_MESSENGER.entry).version).toBe('1');
    expect(parsed(IPTUX.message).mode).toBe(Command.SENDMSG);
  });

  it('keeps non-UTF-8 user and host bytes as they are', () => {
    const packet = parsed(FEIQ.message);
    expect(packet.user.byteLength).toBe(4); // 张三 in GBK
    expect(packet.options).toBe(Option.SENDCHECKOPT);
  });

  it('reads a file offer: empty text, the list after the NUL', () => {
    const packet = parsed(IPTUX.fileOffer);
    expect(packet.options & Option.FILEATTACHOPT).toBe(Option.FILEATTACHOPT);
    expect(packet.body.byteLength).toBe(0);
    expect(text(packet.sections[0]!)).toBe('10000:out.bin:186a0:6b06ebb2:1:\u0007');
  });

  it('takes a packet with only four colons (no extra part)', () => {
    expect(parsed(Buffer.from('1:5:u:h:2')).mode).toBe(Command.BR_EXIT);
  });

  it.each([
    ['empty', ''],
    ['too few fields', '1:2:3'],
    ['not a version 1', '2:1:u:h:32:x'],
    ['text version', 'hello:1:u:h:32:x'],
    ['control bytes in the version', '1\u0001:1:u:h:32:x'],
    ['letters in the packet number', '1:12a:u:h:32:x'],
    ['negative packet number', '1:-3:u:h:32:x'],
    ['empty packet number', '1::u:h:32:x'],
    ['command beyond 32 bits', '1:1:u:h:4294967296:x'],
    ['hex command', '1:1:u:h:0x20:x'],
    ['JSON', '{"proto":"pchat","v":1}'],
  ])('rejects %s without throwing', (_name, input) => {
    const result = parsePacket(Buffer.from(input, 'latin1'));
    expect(result.ok).toBe(false);
  });

  it('rejects overlong user names and datagrams', () => {
    expect(parsePacket(Buffer.from(`1:1:${'u'.repeat(600)}:h:32:x`)).ok).toBe(false);
    expect(parsePacket(Buffer.alloc(70_000, 0x31)).ok).toBe(false);
  });

  it('bounds the number of sections', () => {
    const packet = parsed(Buffer.from(`1:1:u:h:1:n${'\0s'.repeat(100)}`));
    expect(packet.sections.length).toBeLessThanOrEqual(16);
  });
});

describe('formatPacket', () => {
  it('writes version:packetNo:user:host:command:extra and round-trips', () => {
    const bytes = formatPacket(
      {
        version: '1_pchat',
        packetNo: 42,
        user: Buffer.from('me'),
        host: Buffer.from('box'),
        command: 0x120,
      },
      joinExtra(Buffer.from('hi: there'), [Buffer.from('g')]),
    );
    expect(bytes.toString('latin1')).toBe('1_pchat:42:me:box:288:hi: there\0g\0');
    const packet = parsed(bytes);
    expect(text(packet.body)).toBe('hi: there');
    expect(packet.sections.map(text)).toEqual(['g']);
  });

  it('replaces colons in user and host names, which the protocol cannot escape', () => {
    const bytes = formatPacket(
      { version: '1', packetNo: 1, user: Buffer.from('a:b'), host: Buffer.from('c:d'), command: 1 },
      joinExtra(Buffer.from('')),
    );
    expect(bytes.toString()).toBe('1:1:a;b:c;d:1:\0');
  });

  it('writes the 32-bit command unsigned (iptux shared-file offers use the top bit)', () => {
    const bytes = formatPacket(
      {
        version: '1',
        packetNo: 1,
        user: Buffer.from('u'),
        host: Buffer.from('h'),
        command: (0x8000_0000 | 0x20) >>> 0,
      },
      Buffer.alloc(0),
    );
    expect(parsed(bytes).command).toBe(0x8000_0020);
  });
});

describe('names for the packet log', () => {
  it('names commands and options', () => {
    expect(commandName(Command.GETDIRFILES)).toBe('GETDIRFILES');
    expect(commandName(0x99)).toBe('0x99');
    expect(optionNames(0x20 | Option.SENDCHECKOPT | Option.UTF8OPT)).toEqual([
      'SENDCHECKOPT',
      'UTF8OPT',
    ]);
    expect(optionNames(0x01 | Option.ABSENCEOPT | Option.FILEATTACHOPT)).toEqual([
      'ABSENCEOPT',
      'FILEATTACHOPT',
    ]);
    expect(optionNames(0x20 | 0x4000_0000)).toEqual(['0x40000000']);
  });
});
