/**
 * A whole tree: 2,000 files with CJK and emoji names, 6 levels deep, 20 empty folders. Its
 * manifest is too big for the offer, so it is fetched over the data channel.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { seeded } from '../../../bench/stats';
import { TestNet } from './helpers/peers';
import { randomFile, snapshot } from './helpers/trees';

const WORDS = [
  '文件',
  '照片',
  '日本語',
  '한국어',
  '😀',
  '🎉',
  '家族👨‍👩‍👧',
  'Ωmega',
  'naïve',
  'データ',
];
const FILES = 2_000;
const DEPTH = 6;
const EMPTY_FOLDERS = 20;

let net: TestNet;
afterEach(async () => {
  await net.close();
});

function makeTree(root: string): void {
  const random = seeded(14);
  const word = (): string => WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
  const folders = [root];
  for (let level = 1; level <= DEPTH; level += 1) {
    const parent = folders[folders.length - 1] ?? root;
    for (let i = 0; i < 3; i += 1) folders.push(join(parent, `${word()} ${level}-${i}`));
  }
  for (let i = 0; i < FILES; i += 1) {
    const folder = folders[Math.floor(random() * folders.length)] ?? root;
    randomFile(join(folder, `${word()} ${i}.bin`), Math.floor(random() * 4096));
  }
  for (let i = 0; i < EMPTY_FOLDERS; i += 1) {
    const folder = folders[i % folders.length] ?? root;
    mkdirSync(join(folder, `空 ${word()} ${i}`, ...(i % 4 === 0 ? ['更深'] : [])), {
      recursive: true,
    });
  }
}

it('sends 2,000 files with CJK and emoji names, 6 levels deep, with 20 empty folders', async () => {
  net = new TestNet();
  const alice = await net.peer('alice');
  const bob = await net.peer('bob');
  const src = net.tempDir();
  makeTree(join(src, '树 🌳'));
  const before = snapshot(src);
  expect([...before.keys()].filter((k) => k.endsWith('/'))).toHaveLength(EMPTY_FOLDERS);
  expect(Math.max(...[...before.keys()].map((k) => k.split('/').length))).toBeGreaterThanOrEqual(7);

  const incoming = bob.waitOffer();
  const offer = await alice.engine.sendFiles('bob', [join(src, '树 🌳')]);
  expect(offer.ok).toBe(true);
  const { id } = await incoming;
  const sent = net.hub.log.find((m) => m.body.type === 'file-offer');
  expect(sent?.body).not.toHaveProperty('manifest'); // too big: fetched over the data channel

  const dst = net.tempDir();
  expect(await bob.engine.accept(id, dst)).toMatchObject({ ok: true });
  const done = await bob.waitState(id, 'done', 30_000);
  expect(done).toMatchObject({ files: FILES, filesDone: FILES, folders: EMPTY_FOLDERS });
  expect(snapshot(dst)).toEqual(before);
}, 60_000);
