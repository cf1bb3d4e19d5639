/**
 * Protocol v2 crypto figures next to their baseline, measured in the same run:
 *
 *   npx tsx test/bench/crypto-bench.ts [--quick]     (this table alone)
 *   npm run bench -- --only=crypto                   (the main rows, next to their baselines)
 *
 * - seal and open per second of transport records (100- and 1,171-byte inner packets) with the
 *   node:crypto and @noble providers, against bare createCipheriv/createDecipheriv AES-256-GCM
 *   (with a raw Buffer key, and with a cached KeyObject);
 * - a full Noise XX handshake, both sides in this process: p50 and p99 of 200;
 * - X25519 key generation and DH per second.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { cpus, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createNobleCryptoProvider } from '../../electron/net/crypto/noble-crypto';
import { createNodeCryptoProvider } from '../../electron/net/crypto/node-crypto';
import { HandshakeState } from '../../electron/net/crypto/noise';
import type { CryptoProvider } from '../../electron/net/crypto/primitives';
import { createTransport, type TransportSession } from '../../electron/net/crypto/transport';
import { MAX_DATAGRAM_INNER_BYTES } from '../../electron/net/crypto/wire-format';
import { percentile, round, table } from './stats';

/** Each rate is measured in this many rounds, interleaved with the others; the best round counts. */
let ROUNDS = 5;
let BUDGET_MS = 400;
let HANDSHAKES = 200;
const SIZES = [100, MAX_DATAGRAM_INNER_BYTES] as const;

/** Runs `batch()` (which does `size` operations) until the budget is spent; operations per second. */
function rate(batch: () => number): number {
  let operations = 0;
  let elapsed = 0;
  batch(); // warm-up
  while (elapsed < BUDGET_MS) {
    const started = performance.now();
    operations += batch();
    elapsed += performance.now() - started;
  }
  return (operations / elapsed) * 1000;
}

function handshake(a: HandshakeState, b: HandshakeState): void {
  for (const [writer, reader] of [
    [a, b],
    [b, a],
    [a, b],
  ] as const) {
    const written = writer.writeMessage();
    if (!written.ok || !reader.readMessage(written.message).ok) throw new Error('handshake failed');
  }
}

function sessions(provider: CryptoProvider): [TransportSession, TransportSession] {
  const a = new HandshakeState({
    provider,
    role: 'initiator',
    staticKeyPair: provider.generateKeyPair(),
  });
  const b = new HandshakeState({
    provider,
    role: 'responder',
    staticKeyPair: provider.generateKeyPair(),
  });
  handshake(a, b);
  return [
    createTransport(a, { localIndex: 1, remoteIndex: 2, now: 0 }),
    createTransport(b, { localIndex: 2, remoteIndex: 1, now: 0 }),
  ];
}

function sealRate(provider: CryptoProvider, size: number, batch: number): number {
  const [a] = sessions(provider);
  const inner = randomBytes(size);
  return rate(() => {
    for (let i = 0; i < batch; i++) if (!a.sender.seal(inner).ok) throw new Error('seal');
    return batch;
  });
}

/** Opening needs fresh counters, so each timed batch opens records sealed just before (untimed). */
function openRate(provider: CryptoProvider, size: number, batch: number): number {
  const [a, b] = sessions(provider);
  const inner = randomBytes(size);
  let operations = 0;
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    const records = Array.from({ length: batch }, () => {
      const sealed = a.sender.seal(inner);
      if (!sealed.ok) throw new Error('seal');
      return sealed.record;
    });
    const started = performance.now();
    for (const record of records) if (!b.receiver.open(record).ok) throw new Error('open');
    elapsed += performance.now() - started;
    operations += batch;
  }
  return (operations / elapsed) * 1000;
}

function rawSeal(key: Buffer | KeyObject, nonce: Buffer, ad: Buffer, inner: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(ad);
  const body = cipher.update(inner);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

function rawOpen(key: Buffer | KeyObject, nonce: Buffer, ad: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  decipher.setAAD(ad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const body = decipher.update(sealed.subarray(0, sealed.length - 16));
  decipher.final();
  return body;
}

/** Bare AES-256-GCM: a 12-byte nonce, 13 bytes of associated data, no header, no counter. */
function rawRate(what: 'seal' | 'open', size: number, cached: boolean): number {
  const raw = randomBytes(32);
  const key = cached ? createSecretKey(raw) : raw;
  const nonce = Buffer.alloc(12);
  const ad = randomBytes(13);
  const inner = randomBytes(size);
  const sealed = rawSeal(key, nonce, ad, inner);
  const batch = 1_000;
  return rate(() => {
    for (let i = 0; i < batch; i++) {
      if (what === 'open') {
        rawOpen(key, nonce, ad, sealed);
      } else {
        nonce.writeUInt32BE(i, 8);
        rawSeal(key, nonce, ad, inner);
      }
    }
    return batch;
  });
}

function handshakeTimes(provider: CryptoProvider): [number, number] {
  const samples: number[] = [];
  const statics = [provider.generateKeyPair(), provider.generateKeyPair()] as const;
  for (let i = 0; i < HANDSHAKES + 5; i++) {
    const started = performance.now();
    const a = new HandshakeState({ provider, role: 'initiator', staticKeyPair: statics[0] });
    const b = new HandshakeState({ provider, role: 'responder', staticKeyPair: statics[1] });
    handshake(a, b);
    a.split();
    b.split();
    if (i >= 5) samples.push(performance.now() - started);
  }
  return [percentile(samples, 50), percentile(samples, 99)];
}

function x25519Rate(what: 'keygen' | 'dh', provider: CryptoProvider, batch: number): number {
  const a = provider.generateKeyPair();
  const b = provider.generateKeyPair();
  return rate(() => {
    for (let i = 0; i < batch; i++) {
      if (what === 'keygen') provider.generateKeyPair();
      else provider.dh(a.privateKey, b.publicKey);
    }
    return batch;
  });
}

const kilo = (perSecond: number) => `${round(perSecond / 1000)}k/s`;
const providers: readonly [string, CryptoProvider, number][] = [
  ['node:crypto', createNodeCryptoProvider(), 1_000],
  ['@noble', createNobleCryptoProvider(), 50],
];

/** Rates measured round-robin; on a shared machine the least disturbed round is the fair one. */
function bestRates(figures: readonly (() => number)[]): number[] {
  const best = figures.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    figures.forEach((figure, index) => {
      best[index] = Math.max(best[index] ?? 0, figure());
    });
  }
  return best;
}

/** Raw X25519 work of one XX handshake, both sides: 2 ephemeral key pairs and 6 DH. */
function rawHandshakeMs(): number {
  const node = createNodeCryptoProvider();
  const statics = [node.generateKeyPair(), node.generateKeyPair()] as const;
  const samples: number[] = [];
  for (let i = 0; i < HANDSHAKES + 5; i++) {
    const started = performance.now();
    const e1 = node.generateKeyPair();
    const e2 = node.generateKeyPair();
    node.dh(e1.privateKey, e2.publicKey); // ee, both sides
    node.dh(e2.privateKey, e1.publicKey);
    node.dh(e1.privateKey, statics[1].publicKey); // es
    node.dh(statics[1].privateKey, e1.publicKey);
    node.dh(statics[0].privateKey, e2.publicKey); // se
    node.dh(e2.privateKey, statics[0].publicKey);
    if (i >= 5) samples.push(performance.now() - started);
  }
  return percentile(samples, 50);
}

export interface CryptoResult {
  /** Per size: records sealed and opened per second, node:crypto provider and bare AES-GCM. */
  readonly records: readonly {
    readonly size: number;
    readonly seal: number;
    readonly open: number;
    readonly rawSeal: number;
    readonly rawOpen: number;
  }[];
  readonly handshake: { readonly p50: number; readonly p99: number; readonly rawP50: number };
}

/** The rows `npm run bench` shows: node:crypto against bare createCipheriv with a KeyObject. */
export function cryptoFigures(quick: boolean): CryptoResult {
  configure(quick);
  const node = createNodeCryptoProvider();
  const records = SIZES.map((size) => {
    const [seal, open, rawSeal, rawOpen] = bestRates([
      () => sealRate(node, size, 1_000),
      () => openRate(node, size, 1_000),
      () => rawRate('seal', size, true),
      () => rawRate('open', size, true),
    ]);
    return { size, seal: seal!, open: open!, rawSeal: rawSeal!, rawOpen: rawOpen! };
  });
  const [p50, p99] = handshakeTimes(node);
  return { records, handshake: { p50, p99, rawP50: rawHandshakeMs() } };
}

function configure(quick: boolean): void {
  ROUNDS = quick ? 2 : 5;
  BUDGET_MS = quick ? 150 : 400;
  HANDSHAKES = quick ? 50 : 200;
}

function printTable(): void {
  const rows: string[][] = [];
  for (const size of SIZES) {
    const [nodeSeal, nodeOpen, nobleSeal, nobleOpen, rawSeal, rawOpen, keySeal, keyOpen] =
      bestRates([
        ...providers.flatMap(([, provider, batch]) => [
          () => sealRate(provider, size, batch),
          () => openRate(provider, size, batch),
        ]),
        () => rawRate('seal', size, false),
        () => rawRate('open', size, false),
        () => rawRate('seal', size, true),
        () => rawRate('open', size, true),
      ]).map(kilo);
    rows.push([`seal ${size} B`, nodeSeal!, nobleSeal!, rawSeal!, keySeal!]);
    rows.push([`open ${size} B`, nodeOpen!, nobleOpen!, rawOpen!, keyOpen!]);
  }
  const handshakes = providers.map(([, provider]) => handshakeTimes(provider));
  rows.push(['XX handshake p50', ...handshakes.map(([p50]) => `${round(p50)} ms`), '', '']);
  rows.push(['XX handshake p99', ...handshakes.map(([, p99]) => `${round(p99)} ms`), '', '']);
  const x25519 = bestRates(
    providers.flatMap(([, provider, batch]) => [
      () => x25519Rate('keygen', provider, Math.max(5, batch / 10)),
      () => x25519Rate('dh', provider, Math.max(5, batch / 10)),
    ]),
  ).map(kilo);
  rows.push(['X25519 keygen', x25519[0]!, x25519[2]!, '', '']);
  rows.push(['X25519 DH', x25519[1]!, x25519[3]!, '', '']);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `${cpu}, ${cpus().length} cores, ${platform()} ${release()}, Node ${process.versions.node}`,
  );
  console.log(
    table(['figure', 'node:crypto', '@noble', 'raw GCM, Buffer key', 'raw GCM, KeyObject'], rows),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  configure(values.quick);
  printTable();
}
