import { describe, expect, it } from 'vitest';
import { AEAD_TAG_BYTES } from '../../../../electron/net/crypto/primitives';
import { PROVIDERS } from './providers';
import { sealOk, sessionPair, text } from './transport-helpers';

// The packet log keeps the plaintext a cipher returns without copying it (packet-log.ts `kept`):
// that is safe only while every provider returns each result in memory of its own, which no
// later call writes. These tests fail if a provider decrypts in place, or hands back a buffer it
// reuses (a scratch array, say).

/** The distinct buffers behind `arrays`. */
const buffersOf = (arrays: readonly Uint8Array[]): Set<ArrayBufferLike> =>
  new Set(arrays.map((a) => a.buffer));

describe.each(PROVIDERS)('%s: every seal and open returns memory of its own', (_name, provider) => {
  const key = provider.aesGcm(new Uint8Array(32).fill(7));
  const nonce = (n: number): Uint8Array => {
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setUint32(8, n);
    return bytes;
  };
  const ad = new Uint8Array(13).fill(1);

  it('AES-GCM open: each plaintext in a buffer of its own, left alone by later calls', () => {
    const plaintexts = [text('first record'), text('second record, longer'), text('third')];
    const sealed = plaintexts.map((p, i) => key.seal(nonce(i), ad, p));
    const opened = sealed.map((c, i) => key.open(nonce(i), ad, c));
    for (let round = 0; round < 3; round += 1) sealed.forEach((c, i) => key.open(nonce(i), ad, c)); // more calls must not write them
    expect(opened).toEqual(plaintexts);
    const outputs = opened.map((o) => o ?? new Uint8Array(0));
    expect(buffersOf(outputs).size).toBe(outputs.length);
    for (const output of outputs) {
      // Not decrypted in place: the input and the output are different memory.
      expect(buffersOf([...sealed, ...plaintexts]).has(output.buffer)).toBe(false);
    }
  });

  it('AES-GCM seal: each record in a buffer of its own, left alone by later calls', () => {
    const plaintext = text('the same plaintext each time');
    const records = [0, 1, 2].map((i) => key.seal(nonce(i), ad, plaintext));
    const copies = records.map((r) => new Uint8Array(r));
    key.seal(nonce(3), ad, plaintext);
    expect(records).toEqual(copies);
    expect(buffersOf(records).size).toBe(records.length);
    expect(records[0]?.byteLength).toBe(plaintext.byteLength + AEAD_TAG_BYTES);
  });

  it('transport records: each opened inner packet in a buffer of its own', () => {
    const { initiator, responder } = sessionPair(provider);
    const inner = [text('one'), text('two two'), text('three three three')];
    const records = inner.map((p) => sealOk(initiator.sender, p));
    const opened = records.map((r) => {
      const result = responder.receiver.open(r);
      return result.ok ? result.inner : new Uint8Array(0);
    });
    sealOk(initiator.sender, text('later'));
    expect(opened).toEqual(inner);
    expect(buffersOf(opened).size).toBe(opened.length);
    for (const output of opened) expect(buffersOf(records).has(output.buffer)).toBe(false);
  });
});
