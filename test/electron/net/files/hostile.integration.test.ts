/**
 * 200 hostile manifests, generated: traversal, absolute paths, drive letters, reserved names,
 * NUL and control characters, very long and very deep paths, unicode tricks, duplicates. The
 * receiver accepts every one into one target folder; afterwards not one file may exist outside
 * it, and everything inside must be a plain file or folder under a safe name.
 */
import { lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Manifest } from '../../../../shared/files/manifest';
import { PART_SUFFIX } from '../../../../shared/files/limits';
import { safeRelativePath } from '../../../../shared/files/names';
import { utf8Length } from '../../../../shared/utf8';
import { seeded } from '../../../bench/stats';
import { waitUntil } from '../../../helpers/wait';
import { HostileSender } from './helpers/hostile-sender';
import { TestNet } from './helpers/peers';

const MANIFESTS = Number(process.env['FILES_HOSTILE_N'] ?? 200);
const TOKEN = `pcpwn${process.pid}`;

let net: TestNet;
afterEach(async () => {
  await net.close();
});

/** Hostile path makers; each gets a random source and a serial number. */
const HOSTILE: ((n: number, r: () => number) => string)[] = [
  (n) => `../${TOKEN}-${n}`,
  (n) => `../../${TOKEN}-${n}`,
  (n) => `a/../../${TOKEN}-${n}`,
  (n) => `a/b/../../../${TOKEN}-${n}`,
  (n) => `..\\..\\${TOKEN}-${n}`,
  (n) => `a\\..\\..\\${TOKEN}-${n}`,
  (n) => `./${TOKEN}-${n}`,
  (n) => `${TOKEN}-${n}/..`,
  (n) => `/tmp/${TOKEN}-${n}`,
  (n) => `${tmpdir()}/${TOKEN}-${n}`,
  (n) => `\\\\server\\share\\${TOKEN}-${n}`,
  (n) => `\\${TOKEN}-${n}`,
  (n) => `C:\\${TOKEN}-${n}`,
  (n) => `c:${TOKEN}-${n}`,
  (n) => `Z:/${TOKEN}-${n}`,
  () => 'CON',
  () => 'nul.txt',
  () => 'dir/COM1',
  () => 'LPT9.log',
  () => 'aux ',
  () => 'CONOUT$',
  (n) => `nul\u0000${n}`,
  () => '\u0000',
  (n) => `bell\u0007${n}\n`,
  (n) => `del\u007f${n}`,
  (n, r) => `${'長'.repeat(100 + Math.floor(r() * 200))}${n}.txt`,
  (n) => `${'x'.repeat(300)}${n}`,
  (n) => Array.from({ length: 70 }, () => 'd').join('/') + `/${n}`,
  (n) => Array.from({ length: 25 }, () => 'n'.repeat(150)).join('/') + `/${n}`,
  (n) => `${'w'.repeat(5000)}${n}`, // beyond the wire limit: the whole offer is refused
  (n) => `photo\u202e${n}gnp.exe`,
  (n) => `zero\u200b${n}\ufeff`,
  (n) => `cafe\u0301-${n}`,
  (n) => `caf\u00e9-${n}`,
  (n) => `fullwidth\uff0f${n}`,
  (n) => `\uff0e\uff0e\u2215${n}`,
  (n) => `lone\ud800${n}`,
  (n) => `trail-${n}. . .`,
  (n) => `x${n}.pchat-part`,
  (n) => `a<b>c:d"e|f?g*h${n}`,
  () => 'same',
  () => 'SAME',
  () => 'same/inner',
  () => 'a//b',
  () => '.',
  () => '..',
];

function manifest(r: () => number, serial: number): Manifest {
  const pick = (): string => {
    const make = HOSTILE[Math.floor(r() * HOSTILE.length)] ?? HOSTILE[0]!;
    return make(serial * 100 + Math.floor(r() * 100), r);
  };
  const files = Array.from({ length: 4 + Math.floor(r() * 4) }, () => ({
    path: pick(),
    size: Math.floor(r() * 64),
    mtime: 0,
  }));
  return { version: 1, files, folders: [pick(), pick()] };
}

function everything(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...everything(path));
  }
  return out;
}

function tokens(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.includes(TOKEN));
  } catch {
    return [];
  }
}

it(`writes nothing outside the target folder for ${MANIFESTS} hostile manifests`, async () => {
  net = new TestNet();
  const sandbox = net.tempDir('pc-hostile-');
  const target = join(sandbox, 'target');
  mkdirSync(target);
  const bob = await net.peer('bob', { spaceMarginBytes: 0, autoAccept: () => ({ dir: target }) });
  const mallory = await new HostileSender('mallory', net).start();
  const random = seeded(666);
  const ids = new Set<string>();
  let refused = 0;
  bob.engine.on('warning', (w) => {
    if (w.code === 'bad-control' && w.peerId === 'mallory') refused += 1;
  });
  for (let i = 0; i < MANIFESTS; i += 1) ids.add(mallory.offer('bob', manifest(random, i)));
  const ended = (): number =>
    bob.engine.list().filter((t) => ids.has(t.id) && ['done', 'failed'].includes(t.state)).length;
  await waitUntil(
    () => ended() + refused === MANIFESTS,
    45_000,
    'every offer to end or be refused',
  );
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThan(MANIFESTS / 2);
  await mallory.stop();

  // Nothing beside the target, nothing with the token anywhere up the tree or at the root.
  expect(readdirSync(sandbox)).toEqual(['target']);
  expect([...tokens(tmpdir()), ...tokens('/'), ...tokens('/tmp')]).toEqual([]);
  const inside = everything(target);
  expect(inside.length).toBeGreaterThan(MANIFESTS);
  const realTarget = realpathSync(target);
  for (const path of inside) {
    const stat = lstatSync(path);
    expect(stat.isFile() || stat.isDirectory()).toBe(true);
    expect(realpathSync(path).startsWith(realTarget + sep)).toBe(true);
    // Every name written passes the receiver's own rules, except that a clash suffix may take
    // a name past MAX_NAME_BYTES, which leaves room for it below the file systems' 255 bytes.
    const rel = relative(target, path).split(sep).join('/');
    const safe = safeRelativePath(rel);
    expect(safe.ok && safe.reasons.filter((r) => r !== 'too-long')).toEqual([]);
    for (const name of rel.split('/'))
      expect(utf8Length(name + PART_SUFFIX)).toBeLessThanOrEqual(255);
  }
  const states = bob.engine.list().filter((t) => ids.has(t.id));
  expect(states.map((t) => t.state).filter((s) => s !== 'done')).toEqual([]);
  const skipped = states
    .flatMap((t) => bob.engine.files(t.id))
    .filter((f) => f.state === 'skipped');
  expect(skipped.length).toBeGreaterThan(0);
}, 60_000);
