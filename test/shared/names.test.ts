import confusables from 'unhomoglyph/data.json';
import { describe, expect, it } from 'vitest';
import { lookAlikeTags, nameSkeletons, shortId, taggedName } from '../../shared/names';
import { nickText } from '../../shared/protocol/packets';

const id = (c: string): string => c.repeat(32);

/** Whether two names share a skeleton, i.e. can be mistaken for each other. */
const alike = (a: string, b: string): boolean =>
  nameSkeletons(a).some((k) => nameSkeletons(b).includes(k));

describe('nameSkeletons', () => {
  it('share one for names that look the same', () => {
    const alice = 'alice';
    expect(alike('\u0430lice', alice)).toBe(true); // Cyrillic а
    expect(alike('ALICE', alice)).toBe(true);
    expect(alike('AIice', alice)).toBe(true); // capital I for l
    expect(alike('a lice', alice)).toBe(true);
    expect(alike('ａｌｉｃｅ', alice)).toBe(true); // full width
    expect(alike('alic\u0435\u0301', 'alicé')).toBe(true);
    expect(alike('rnallory', 'mallory')).toBe(true);
  });

  // unhomoglyph's function: one alternation of every key, first match wins.
  const table: Record<string, string> = confusables;
  const pattern = new RegExp(
    Object.keys(table)
      .map((key) => key.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&'))
      .join('|'),
    'g',
  );
  const theirs = (name: string): string[] => {
    const bare = name.normalize('NFKD').replace(/[\p{Mn}\p{Me}\p{Cf}\s]/gu, '');
    const swap = (s: string) => s.replace(pattern, (m) => table[m] ?? m);
    return [swap(bare).toLowerCase(), swap(bare.toLowerCase()).toLowerCase()];
  };

  it("replace every confusable as unhomoglyph's own pattern does", () => {
    // Every key, in names of 40 keys with plain letters and astral characters between them.
    const keys = Object.keys(table);
    for (let i = 0; i < keys.length; i += 40) {
      const name = keys.slice(i, i + 40).join('x\u{1F600}');
      expect(nameSkeletons(name)).toEqual(theirs(name));
    }
  });

  it('of ASCII names (their own table) are what the general rule gives', () => {
    // Each code unit below 0x80 alone, then 3,000 names of 1-24 of them, white space and control
    // characters included (seeded, so a failure repeats).
    const units = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i));
    for (const unit of units)
      expect(nameSkeletons(`a${unit}B`), JSON.stringify(unit)).toEqual(theirs(`a${unit}B`));
    let seed = 0x5eed;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3_000; i += 1) {
      const name = Array.from({ length: 1 + next(24) }, () => units[next(0x80)]).join('');
      expect(nameSkeletons(name), JSON.stringify(name)).toEqual(theirs(name));
    }
  });

  it('are the same when asked again, also after more names than are kept', () => {
    const first = nameSkeletons('Ａlice');
    for (let i = 0; i < 20_000; i += 1) nameSkeletons(`name ${i}`);
    expect(nameSkeletons('Ａlice')).toEqual(first);
    expect(alike('Ａlice', 'alice')).toBe(true);
  });

  it('differ for names that look different', () => {
    expect(alike('alice', 'alicia')).toBe(false);
    expect(alike('张三', '李四')).toBe(false);
    expect(alike('bob', 'bop')).toBe(false);
  });
});

describe('lookAlikeTags', () => {
  it('tags every contact whose name looks like another one, and only those', () => {
    const tags = lookAlikeTags(
      [
        { id: id('a'), nick: 'alice' },
        { id: id('b'), nick: '\u0430lice' },
        { id: id('c'), nick: 'carol' },
      ],
      'me',
    );
    expect([...tags]).toEqual([
      [id('a'), 'aaaaaa'],
      [id('b'), 'bbbbbb'],
    ]);
  });

  it('does not tag a name for looking like itself, in capitals or alone', () => {
    const tags = lookAlikeTags(
      [
        { id: id('a'), nick: 'ALICE' },
        { id: id('b'), nick: 'bob' },
      ],
      'carol',
    );
    expect(tags.size).toBe(0);
  });

  it("tags a contact that looks like the user's own nick", () => {
    const tags = lookAlikeTags([{ id: id('d'), nick: 'B0B' }], 'bob');
    expect(tags.get(id('d'))).toBe('dddddd');
  });

  it('never tags strangers, who are named by their IP:port', () => {
    const tags = lookAlikeTags(
      [
        { id: 'stranger:1.2.3.4:5', nick: 'alice', kind: 'stranger' },
        { id: id('a'), nick: 'alice', kind: 'peer' },
      ],
      undefined,
    );
    expect(tags.size).toBe(0);
  });

  it('catches every look-alike trick of the attack, after the codec', () => {
    // What the attacker sent: RLO, a zero-width space, Cyrillic а, the victim's nick.
    const sent = ['\u202Eecila', 'al\u200Bice', '\u0430lice', 'alice'];
    const nicks = sent.map((n) => nickText.parse(n));
    // RLO is stripped by the codec: "ecila" then reads as what it is, not as "alice".
    expect(nicks[0]).toBe('ecila');
    const contacts = nicks.map((nick, i) => ({ id: String(i).repeat(32), nick }));
    const tags = lookAlikeTags([{ id: id('a'), nick: 'alice' }, ...contacts], 'bob');
    expect(tags.has(id('a'))).toBe(true);
    expect(tags.has(contacts[0]?.id ?? '')).toBe(false);
    for (const c of contacts.slice(1)) expect(tags.get(c.id)).toBe(shortId(c.id));
  });
});

describe('taggedName', () => {
  it('puts the tag after the name, or nothing', () => {
    expect(taggedName('alice', 'aaaaaa')).toBe('alice · aaaaaa');
    expect(taggedName('alice', undefined)).toBe('alice');
  });
});
