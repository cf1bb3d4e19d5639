import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PartFile } from '../../../../electron/net/files/part-file';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const sha = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

describe('PartFile: resume bookkeeping', () => {
  it('creates, appends in order, and after a reopen continues from what is on disk', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-part-'));
    const path = join(dir, 'x.pchat-part');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const first = await PartFile.open(path);
    expect(first.offset).toBe(0);
    await first.append(data.subarray(0, 2_000_000));
    await first.flush();
    await first.close();

    const again = await PartFile.open(path);
    expect(again.offset).toBe(2_000_000);
    expect(Buffer.from(again.prefixDigest())).toEqual(sha(data.subarray(0, 2_000_000)));
    await again.append(data.subarray(2_000_000));
    await again.flush();
    expect(again.digestHex()).toBe(sha(data).toString('hex'));
    await again.close();
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('hashes what is really on disk: a tampered part gives another prefix hash', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-part-'));
    const path = join(dir, 'x.pchat-part');
    const data = randomBytes(100_000);
    writeFileSync(path, data);
    const tampered = Buffer.from(data);
    tampered.writeUInt8(tampered.readUInt8(5) ^ 1, 5);
    writeFileSync(path, tampered);
    const part = await PartFile.open(path);
    expect(Buffer.from(part.prefixDigest())).not.toEqual(sha(data));
    await part.reset();
    expect(part.offset).toBe(0);
    expect(statSync(path).size).toBe(0);
    await part.close();
  });

  it('does not follow a symlink planted under its name', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pc-part-'));
    writeFileSync(join(dir, 'victim'), 'keep');
    symlinkSync(join(dir, 'victim'), join(dir, 'x.pchat-part'));
    await expect(PartFile.open(join(dir, 'x.pchat-part'))).rejects.toMatchObject({ code: 'ELOOP' });
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('keep');
  });
});
