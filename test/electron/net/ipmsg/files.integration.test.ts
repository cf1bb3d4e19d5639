import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from '../../../../electron/net/ipmsg/constants';
import type { IncomingOffer, TransferProgress } from '../../../../electron/net/ipmsg/types';
import { useTempDirs } from '../../../helpers/temp-dir';
import { waitForEvent } from '../../../helpers/wait';
import {
  ipmsgNode,
  loopbackHosts,
  RawPeer,
  startAll,
  useCleanup,
  type LoopbackHost,
} from './loopback';

useCleanup();
const tempDir = useTempDirs();

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Every file below `root` with its SHA-256, and every folder, by relative path. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const key = path.relative(root, full);
      if (statSync(full).isDirectory()) {
        out[`${key}/`] = 'dir';
        walk(full);
      } else out[key] = sha256(full);
    }
  };
  walk(root);
  return out;
}

function sampleFolder(root: string): string {
  const folder = path.join(root, '项目 folder');
  mkdirSync(path.join(folder, 'sub', 'deeper'), { recursive: true });
  mkdirSync(path.join(folder, 'empty'));
  writeFileSync(path.join(folder, 'a.txt'), 'hello\n');
  writeFileSync(path.join(folder, '说明.md'), '# 你好\n');
  writeFileSync(path.join(folder, 'zero'), '');
  writeFileSync(path.join(folder, 'sub', 'b:c.bin'), randomBytes(200_000));
  writeFileSync(path.join(folder, 'sub', 'deeper', 'd.bin'), randomBytes(70_000));
  return folder;
}

async function serve(
  host: LoopbackHost,
  respond: (request: Buffer, reply: (bytes: Buffer) => void) => void,
): Promise<Server> {
  const server = createServer((socket) => {
    socket.once('data', (request) => respond(request, (bytes) => socket.end(bytes)));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(host.port, host.address, resolve));
  return server;
}

/** One header of a folder stream (dir-stream.ts); `body` starts with the ':' after the size. */
function dirHeader(body: string): Buffer {
  return Buffer.from((4 + Buffer.byteLength(body)).toString(16).padStart(4, '0') + body);
}

/** A file entry of a folder stream with its contents. */
function dirFile(name: string, content: string): Buffer {
  return Buffer.concat([
    dirHeader(`:${name}:${content.length.toString(16)}:1:`),
    Buffer.from(content),
  ]);
}

/**
 * A raw IPMsg peer offers the folder `top` and answers GETDIRFILES with `stream`; the node
 * fetches it into `dest` (a new folder unless given) and resolves with the item's end and `dest`.
 */
async function fetchRawFolder(
  stream: Buffer,
  dest = tempDir(),
): Promise<{ got: TransferProgress; dest: string }> {
  const [hb, hr] = loopbackHosts(2);
  const b = ipmsgNode(hb!, [hr!]);
  const raw = await RawPeer.bind(hr!);
  const server = await serve(hr!, (_request, reply) => reply(stream));
  try {
    await b.node.start();
    await raw.send(hb!, '1:10:raw:h:1:raw\0');
    await waitForEvent(b.node, 'peer');
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    await raw.send(hb!, `1:11:raw:h:2097440:\0` + '0:top:0:0:2:\u0007');
    const incoming = await offered;
    return { got: await b.node.acceptFile(incoming.offerId, 0, dest), dest };
  } finally {
    server.close();
  }
}

describe('IPMsg files and folders between two nodes', () => {
  it('sends a file and a folder; both arrive with equal SHA-256', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const source = tempDir();
    const file = path.join(source, '报告 2024.bin');
    writeFileSync(file, randomBytes(1_500_000));
    const folder = sampleFolder(source);
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    const offer = await a.node.offerFiles(b.id, [file, folder], '两个附件');
    const incoming = await offered;
    expect(incoming.files.map((f) => [f.name, f.kind])).toEqual([
      ['报告 2024.bin', 'file'],
      ['项目 folder', 'folder'],
    ]);
    expect(incoming.files[0]?.size).toBe(1_500_000);
    const dest = tempDir();
    const got = await b.node.acceptFile(incoming.offerId, 0, dest);
    expect(got).toMatchObject({ state: 'done', bytes: 1_500_000 });
    expect(sha256(got.path!)).toBe(sha256(file));
    const dir = await b.node.acceptFile(incoming.offerId, 1, dest);
    expect(dir.state).toBe('done');
    // Same contents; ':' is not safe on every file system, so it arrives as '_'.
    const sent = Object.fromEntries(
      Object.entries(tree(folder)).map(([k, v]) => [k.replace(':', '_'), v]),
    );
    expect(tree(dir.path!)).toEqual(sent);
    expect(offer.message.text).toBe('两个附件');
  });

  it('resumes a partial file from its length when the sender honours the offset', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const content = randomBytes(400_000);
    const file = path.join(tempDir(), 'big.bin');
    writeFileSync(file, content);
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    await a.node.offerFiles(b.id, [file]);
    const incoming = await offered;
    const dest = tempDir();
    writeFileSync(path.join(dest, 'big.bin.part'), content.subarray(0, 150_000));
    const got = await b.node.acceptFile(incoming.offerId, 0, dest);
    expect(got).toMatchObject({ state: 'done' });
    expect(got.restarted).toBeUndefined();
    expect(sha256(got.path!)).toBe(sha256(file));
    const request = a.node.packets().find((p) => p.transport === 'tcp' && p.kind === 'GETFILEDATA');
    expect(String(request?.fields?.['text'])).toMatch(new RegExp(`:${(150_000).toString(16)}:$`));
  });

  it('restarts cleanly from 0 when the sender ignores the offset (as iptux does)', async () => {
    const [hb, hr] = loopbackHosts(2);
    const b = ipmsgNode(hb!, [hr!]);
    const raw = await RawPeer.bind(hr!);
    const content = randomBytes(300_000);
    const requests: string[] = [];
    const server = await serve(hr!, (request, reply) => {
      requests.push(request.toString('latin1'));
      reply(content); // always the whole file, whatever the offset
    });
    await b.node.start();
    await raw.send(hb!, '1_lbt6_0#128#0:10:raw:h:1:raw\0');
    await waitForEvent(b.node, 'peer');
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    await raw.send(
      hb!,
      `1_lbt6_0#128#0:11:raw:h:2097440:\0` + `0:f.bin:${(300_000).toString(16)}:0:1:\u0007`,
    );
    const incoming = await offered;
    const dest = tempDir();
    writeFileSync(path.join(dest, 'f.bin.part'), content.subarray(0, 100_000));
    const got = await b.node.acceptFile(incoming.offerId, 0, dest);
    server.close();
    expect(got).toMatchObject({ state: 'done', restarted: true });
    expect(readFileSync(got.path!).equals(content)).toBe(true);
    expect(requests.map((r) => r.split(':')[7])).toEqual([(100_000).toString(16), '0']);
  });

  it('refuses a folder stream that tries to leave the chosen folder; nothing is written outside', async () => {
    const parent = tempDir();
    const dest = path.join(parent, 'inbox');
    mkdirSync(dest);
    const { got } = await fetchRawFolder(
      Buffer.concat([
        dirHeader(':top:0:2:'),
        dirHeader(':..:0:2:'),
        dirHeader(':evil.txt:4:1:'),
        Buffer.from('evil'),
      ]),
      dest,
    );
    expect(got.state).toBe('failed');
    expect(got.error).toMatch(/unsafe name/);
    expect(readdirSync(parent)).toEqual(['inbox']);
    expect(tree(dest)).toEqual({ 'top/': 'dir' });
  });

  it('reports each name inside a folder that was saved under another name, where it landed', async () => {
    const { got, dest } = await fetchRawFolder(
      Buffer.concat([
        dirHeader(':top:0:2:'),
        dirFile('a::b.txt', 'unsafe'), // "a:b.txt": ':' is doubled in a stream
        dirFile('a_b.txt', 'clash'),
        dirFile('ok.txt', 'kept'),
        dirHeader(':con:0:2:'),
        dirFile('x.txt', 'inside'),
        dirHeader(':.:0:3:'),
        dirHeader(':.:0:3:'),
      ]),
    );
    expect(got.state).toBe('done');
    expect(got.renamedInside).toEqual({
      names: [
        { path: 'top/a:b.txt', reasons: ['bad-character'], renamedTo: 'top/a_b.txt' },
        { path: 'top/a_b.txt', reasons: ['clash'], renamedTo: 'top/a_b (1).txt' },
        { path: 'top/con', reasons: ['reserved-name'], renamedTo: 'top/_con' },
      ],
      more: 0,
    });
    const read = (saved: string): string => readFileSync(path.join(dest, saved), 'utf8');
    expect(read('top/a_b.txt')).toBe('unsafe');
    expect(read('top/a_b (1).txt')).toBe('clash');
    expect(read('top/ok.txt')).toBe('kept');
    expect(read('top/_con/x.txt')).toBe('inside');
  });

  it('keeps the first renamed names of a folder and counts the rest', async () => {
    const { got, dest } = await fetchRawFolder(
      Buffer.concat([
        dirHeader(':top:0:2:'),
        ...Array.from({ length: 150 }, (_, i) => dirFile(`f?${i}`, String(i))),
        dirHeader(':.:0:3:'),
      ]),
    );
    expect(got.state).toBe('done');
    expect(got.renamedInside?.names).toHaveLength(100);
    expect(got.renamedInside?.names[99]).toEqual({
      path: 'top/f?99',
      reasons: ['bad-character'],
      renamedTo: 'top/f_99',
    });
    expect(got.renamedInside?.more).toBe(50);
    expect(readdirSync(path.join(dest, 'top'))).toHaveLength(150);
    expect(readFileSync(path.join(dest, 'top', 'f_149'), 'utf8')).toBe('149');
  });

  it('reports the renamed names of a folder that ends early with its failure', async () => {
    const { got } = await fetchRawFolder(
      Buffer.concat([dirHeader(':top:0:2:'), dirFile('a?.txt', 'x')]),
    );
    expect(got.state).toBe('failed');
    expect(got.renamedInside).toEqual({
      names: [{ path: 'top/a?.txt', reasons: ['bad-character'], renamedTo: 'top/a_.txt' }],
      more: 0,
    });
  });

  it('declining sends RELEASEFILES, and the sender then refuses the file', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const file = path.join(tempDir(), 'x.txt');
    writeFileSync(file, 'x');
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    await a.node.offerFiles(b.id, [file]);
    const incoming = await offered;
    b.node.declineOffer(incoming.offerId);
    await waitForEvent(
      a.node,
      'packet',
      (p: { kind: string; direction: string }) => p.kind === 'RELEASEFILES' && p.direction === 'in',
    );
    const refused = waitForEvent<{ code: string }>(a.node, 'warning', (w) => w.code === 'tcp');
    const socket = connect({ host: ha!.address, port: ha!.port, localAddress: hb!.address });
    socket.on('error', () => undefined);
    socket.write(`1:99:u:h:${Command.GETFILEDATA}:${incoming.packetNo.toString(16)}:0:0:\0`);
    await refused;
    socket.destroy();
  });

  it('survives junk on its TCP port', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    await a.node.start();
    const junk = [
      randomBytes(5000),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      Buffer.from('1:1:u:h:96:zz:zz:zz:\0'),
    ];
    for (const bytes of junk) {
      const closed = new Promise<void>((resolve) => {
        const socket = connect({ host: ha!.address, port: ha!.port }, () => socket.end(bytes));
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
      await closed;
    }
    expect(a.node.peerList()).toEqual([]);
  });

  it('reports progress and the end of each transfer on both sides', async () => {
    const [ha, hb] = loopbackHosts(2);
    const a = ipmsgNode(ha!, [hb!]);
    const b = ipmsgNode(hb!, [ha!]);
    await startAll([a, b]);
    const file = path.join(tempDir(), 'p.bin');
    writeFileSync(file, randomBytes(100_000));
    const offered = waitForEvent<IncomingOffer>(b.node, 'file-offer');
    const ours = await a.node.offerFiles(b.id, [file]);
    const incoming = await offered;
    const sent = waitForEvent<TransferProgress>(a.node, 'transfer', (p) => p.state === 'done');
    await b.node.acceptFile(incoming.offerId, 0, tempDir());
    expect(await sent).toMatchObject({
      direction: 'send',
      peerId: b.id,
      offerId: ours.offerId,
      name: 'p.bin',
      bytes: 100_000,
    });
    expect(a.node.counters().filesSent).toBe(1);
    expect(b.node.counters().filesReceived).toBe(1);
  });
});
