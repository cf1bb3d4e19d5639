import { describe, expect, it } from 'vitest';
import {
  DirStreamError,
  DirStreamParser,
  formatDirHeader,
  type DirEvent,
} from '../../../../electron/net/ipmsg/dir-stream';

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const encode = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The stream iptux 0.8.3 sends for folder `top` holding `a.txt` ("hello") and `sub/b.txt` ("x\n"). */
function iptuxStream(): Buffer {
  const header = (body: string): string => {
    const size = 4 + Buffer.byteLength(body);
    return size.toString(16).padStart(4, '0') + body;
  };
  return Buffer.concat([
    encode(header(':top:000000000:2:14=6b06eaf9:16=6b06eaf9:')),
    encode(header(':a.txt:000000005:1:14=6b06eaf9:16=6b06eaf9:')),
    encode('hello'),
    encode(header(':sub:000000000:2:14=6b06eaf9:16=6b06eaf9:')),
    encode(header(':b.txt:000000002:1:14=6b06eaf9:16=6b06eaf9:')),
    encode('x\n'),
    encode(header(':.:0:3:14=6b06eaf9:16=6b06eaf9:')),
    encode(header(':.:0:3:14=6b06eaf9:16=6b06eaf9:')),
  ]);
}

function summarize(events: readonly DirEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'data') {
      const last = out[out.length - 1];
      if (last?.startsWith('data ') === true) out[out.length - 1] = last + decode(e.bytes);
      else out.push(`data ${decode(e.bytes)}`);
    } else out.push(e.type === 'enter' || e.type === 'file' ? `${e.type} ${e.name}` : e.type);
  }
  return out;
}

const expected = [
  'enter top',
  'file a.txt',
  'data hello',
  'end-of-file',
  'enter sub',
  'file b.txt',
  'data x\n',
  'end-of-file',
  'leave',
  'leave',
];

describe('folder streams', () => {
  it('parses the stream iptux sends, in one piece', () => {
    expect(summarize(new DirStreamParser(decode).push(iptuxStream()))).toEqual(expected);
  });

  it('parses the same stream cut into pieces of every size', () => {
    const stream = iptuxStream();
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const parser = new DirStreamParser(decode);
      const events: DirEvent[] = [];
      for (let i = 0; i < stream.byteLength; i += size)
        events.push(...parser.push(stream.subarray(i, i + size)));
      expect(summarize(events)).toEqual(expected);
      expect(parser.atBoundary).toBe(true);
    }
  });

  it('reads the mtime extension and names with colons', () => {
    const header = formatDirHeader({ name: 'a:b', size: 0, attr: 1, mtime: 0x5f000000 }, encode);
    const [first] = new DirStreamParser(decode).push(header);
    expect(first).toEqual({ type: 'file', name: 'a:b', size: 0, mtime: 0x5f000000 });
  });

  it('round-trips what we write, sizes counting their own digits', () => {
    const long = 'n'.repeat(70_000 - 30);
    expect(() => formatDirHeader({ name: long, size: 1, attr: 1, mtime: 1 }, encode)).not.toThrow();
    const header = formatDirHeader({ name: '目录', size: 0, attr: 2, mtime: 1 }, encode);
    expect(Number.parseInt(header.subarray(0, 4).toString(), 16)).toBe(header.byteLength);
  });

  it.each([
    ['no header size', 'zzzzzzzzzzzz'],
    ['a header size too small', '0003:a:1:1:'],
    ['a header size too large', 'ffff:a:1:1:'],
    ['no name end', '000c:abcdefgh'],
  ])('throws DirStreamError for %s', (_name, input) => {
    const parser = new DirStreamParser(decode);
    expect(() => parser.push(encode(input))).toThrow(DirStreamError);
  });

  it('skips entries of other kinds with their contents', () => {
    const header = formatDirHeader({ name: 'link', size: 3, attr: 4, mtime: 0 }, encode);
    const events = new DirStreamParser(decode).push(Buffer.concat([header, encode('abc')]));
    expect(summarize(events)).toEqual(['skip', 'data abc', 'end-of-file']);
  });
});
