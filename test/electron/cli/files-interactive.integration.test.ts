// Files in the terminal chat (issue 14): two interactive nodes through pipes on 127.0.0.1, one
// offers a folder and a file with /send, the other takes them with /accept, /transfers lists it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CliTerminal } from '../../helpers/cli-terminal';
import { treeDigest } from '../../helpers/file-trees';
import { loopbackArgs, testPorts } from '../../helpers/ports';
import { randomFile, writeFile } from '../net/files/helpers/trees';

const opened: CliTerminal[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

it('/send offers a folder and a file, /accept takes the newest offer, /transfers lists it', async () => {
  const ports = testPorts();
  const src = tempDir('pc-term-files-src-');
  const dest = tempDir('pc-term-files-dest-');
  randomFile(join(src, '照片 📷', '海边 🌊.jpg'), 300_000);
  writeFile(join(src, '照片 📷', '2024', 'notes.txt'), 'hello');
  writeFile(join(src, 'read me.txt'), 'from the terminal');

  const alice = new CliTerminal({ args: [...loopbackArgs(ports), '--nick', 'alice'] });
  opened.push(alice);
  await alice.waitFor('you are alice', 'the greeting');
  const bob = new CliTerminal({ args: [...loopbackArgs(ports), '--nick', 'bob'] });
  opened.push(bob);
  await alice.waitFor(/\+ bob [^\n]* is online/, 'bob online');
  await bob.waitFor(/\+ alice [^\n]* is online/, 'alice online');

  alice.type(`/send "${join(src, '照片 📷')}" ${join(src, 'read\\ me.txt')}\n`);
  await alice.waitFor(
    /⇡ offered 3 files, 293\.0 KiB to bob: 照片 📷, read me\.txt \([0-9a-f]{8}\)/,
    'the offer line',
  );
  await bob.waitFor(
    /⇣ alice offers 3 files, 293\.0 KiB: 照片 📷, read me\.txt\. \/accept [0-9a-f]{8} \[DIR\] takes it/,
    'the offer',
  );
  const from = bob.bytes.length;
  bob.type(`/accept ${dest}\n`);
  await bob.waitFor(`⇣ accepted 照片 📷, read me.txt into ${dest}`, 'accepted', from);
  await bob.waitFor(
    /✓ received 3 files, 293\.0 KiB from alice into [^\n]*, every SHA-256 checked/,
    'done',
    from,
    30_000,
  );
  await alice.waitFor(/✓ bob has 照片 📷, read me\.txt \(3 files, 293\.0 KiB\)/, 'sender done');
  expect(await treeDigest(dest)).toEqual(await treeDigest(src));

  bob.type('/transfers\n');
  await bob.waitFor(
    /[0-9a-f]{8} ⇣ alice: 照片 📷, read me\.txt · 3 files, 293\.0 KiB · done 100%/,
    'list',
  );
  bob.type('/accept\n');
  await bob.waitFor('! no offer is waiting; /transfers lists them', 'nothing left');
  // The offer was a line of its own, never also a chat message with the file names.
  expect(bob.text).not.toMatch(/\[alice [^\]]*\] 照片/);
}, 60_000);
