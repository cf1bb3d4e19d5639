import { describe, expect, it } from 'vitest';
import { CACOPHONY_XX_AESGCM_SHA256 } from '../../../../electron/net/crypto/known-answers';
import {
  CipherState,
  HandshakeState,
  NoiseError,
  noiseNonce,
  SymmetricState,
} from '../../../../electron/net/crypto/noise';
import { checkNoiseVector } from '../../../../electron/net/crypto/noise-vector';
import { completeHandshake, newPair, writeOk } from './handshake-helpers';
import { bytes, hex, nodeProvider as provider, PROVIDERS } from './providers';

const text = (s: string) => new TextEncoder().encode(s);

describe('Noise_XX_25519_AESGCM_SHA256 test vector (cacophony)', () => {
  it.each(PROVIDERS)(
    '%s reproduces every handshake and transport message byte for byte',
    (_name, p) => {
      expect(checkNoiseVector(p, CACOPHONY_XX_AESGCM_SHA256)).toBeUndefined();
    },
  );

  it('notices a single changed byte anywhere in the vector', () => {
    const v = CACOPHONY_XX_AESGCM_SHA256;
    const withFlip = (data: Uint8Array, at: number) => {
      const copy = new Uint8Array(data);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      return copy;
    };
    for (const [index, message] of v.messages.entries()) {
      const messages = v.messages.map((m, i) =>
        i === index
          ? { ...m, ciphertext: withFlip(message.ciphertext, message.ciphertext.length - 1) }
          : m,
      );
      expect(checkNoiseVector(provider, { ...v, messages })).toMatch(`message ${index}`);
    }
    expect(
      checkNoiseVector(provider, { ...v, handshakeHash: withFlip(v.handshakeHash, 0) }),
    ).toMatch('handshake hash');
    expect(checkNoiseVector(provider, { ...v, prologue: text('other') })).toBeDefined();
  });
});

describe('HandshakeState', () => {
  it('completes with payloads, learns both static keys, agrees on the hash and the keys', () => {
    const a = provider.generateKeyPair();
    const b = provider.generateKeyPair();
    const { initiator, responder } = newPair(provider, { initiator: a, responder: b });
    expect([initiator.status, responder.status]).toEqual(['write', 'read']);
    expect(responder.readMessage(writeOk(initiator, text('one')))).toEqual({
      ok: true,
      payload: text('one'),
    });
    expect(initiator.readMessage(writeOk(responder, text('two')))).toEqual({
      ok: true,
      payload: text('two'),
    });
    expect(hex(initiator.remoteStaticKey!)).toBe(hex(b.publicKey));
    expect(responder.remoteStaticKey).toBeUndefined();
    expect(responder.readMessage(writeOk(initiator, text('three')))).toEqual({
      ok: true,
      payload: text('three'),
    });
    expect(hex(responder.remoteStaticKey!)).toBe(hex(a.publicKey));
    expect([initiator.status, responder.status]).toEqual(['complete', 'complete']);
    expect(hex(initiator.handshakeHash!)).toBe(hex(responder.handshakeHash!));
    const i = initiator.split();
    const r = responder.split();
    const sealed = i.initiatorToResponder.encryptWithAd(new Uint8Array(0), text('hi'));
    expect(r.initiatorToResponder.decryptWithAd(new Uint8Array(0), sealed)).toEqual(text('hi'));
    const back = r.responderToInitiator.encryptWithAd(new Uint8Array(0), text('yo'));
    expect(i.responderToInitiator.decryptWithAd(new Uint8Array(0), back)).toEqual(text('yo'));
  });

  it('has the message sizes of the wire layout: 32, 96 and 64 bytes with empty payloads', () => {
    expect(completeHandshake(provider).messages.map((m) => m.length)).toEqual([32, 96, 64]);
  });

  it('fails message 2 when the prologues differ', () => {
    const { initiator } = newPair(provider, {}, { prologue: text('PacketChat v2') });
    const { responder } = newPair(provider, {}, { prologue: text('PacketChat v3') });
    responder.readMessage(writeOk(initiator));
    expect(initiator.readMessage(writeOk(responder))).toEqual({
      ok: false,
      code: 'decrypt-failed',
    });
    expect(initiator.status).toBe('failed');
  });

  it.each([2, 3])('rejects every bit flip of message %i and is dead afterwards', (number) => {
    const index = number - 1;
    const clean = completeHandshake(provider).messages[index]!;
    for (let bit = 0; bit < clean.length * 8; bit += 1) {
      const { initiator, responder } = newPair(provider);
      const m1 = writeOk(initiator);
      responder.readMessage(m1);
      let reader = initiator;
      let message = writeOk(responder);
      if (index === 2) {
        initiator.readMessage(message);
        reader = responder;
        message = writeOk(initiator);
      }
      const flipped = new Uint8Array(message);
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      const result = reader.readMessage(flipped);
      expect(result.ok).toBe(false);
      expect(reader.status).toBe('failed');
      expect(reader.readMessage(message)).toEqual({ ok: false, code: 'failed' });
    }
  });

  it('a flipped message 1 is caught when the initiator reads message 2', () => {
    const { initiator, responder } = newPair(provider);
    const m1 = writeOk(initiator);
    m1[5] = (m1[5] ?? 0) ^ 0x10;
    expect(responder.readMessage(m1).ok).toBe(true);
    expect(initiator.readMessage(writeOk(responder))).toEqual({
      ok: false,
      code: 'decrypt-failed',
    });
  });

  it('rejects every truncation of messages 1 to 3', () => {
    const { messages } = completeHandshake(provider);
    const readers: ((m: Uint8Array) => ReturnType<HandshakeState['readMessage']>)[] = [
      (m) => newPair(provider).responder.readMessage(m),
      (m) => {
        const { initiator } = newPair(provider);
        writeOk(initiator);
        return initiator.readMessage(m);
      },
    ];
    for (let length = 0; length < messages[0]!.length; length++) {
      expect(readers[0]!(messages[0]!.subarray(0, length))).toEqual({
        ok: false,
        code: 'too-short',
      });
    }
    for (let length = 0; length < messages[1]!.length; length++) {
      const result = readers[1]!(messages[1]!.subarray(0, length));
      expect(result.ok).toBe(false);
    }
  });

  it("answers a low-order ephemeral with 'bad-public-key' when writing message 2", () => {
    const { responder } = newPair(provider);
    expect(responder.readMessage(new Uint8Array(32)).ok).toBe(true);
    expect(responder.writeMessage()).toEqual({ ok: false, code: 'bad-public-key' });
    expect(responder.status).toBe('failed');
    expect(() => responder.writeMessage()).toThrow(expect.objectContaining({ code: 'failed' }));
  });

  it('refuses calls out of turn: write throws, read returns a value and changes nothing', () => {
    const { initiator, responder } = newPair(provider);
    expect(() => responder.writeMessage()).toThrow(NoiseError);
    expect(initiator.readMessage(new Uint8Array(96))).toEqual({ ok: false, code: 'out-of-turn' });
    expect(initiator.status).toBe('write');
    const m1 = writeOk(initiator);
    responder.readMessage(m1);
    const m2 = writeOk(responder);
    initiator.readMessage(m2);
    responder.readMessage(writeOk(initiator));
    // A duplicate of message 2 arriving after the end is refused without killing the session.
    expect(initiator.readMessage(m2)).toEqual({ ok: false, code: 'out-of-turn' });
    expect(initiator.status).toBe('complete');
  });

  it('splits once, and only when complete', () => {
    const { initiator } = newPair(provider);
    expect(() => initiator.split()).toThrow(expect.objectContaining({ code: 'not-complete' }));
    expect(initiator.handshakeHash).toBeUndefined();
    const pair = completeHandshake(provider);
    pair.initiator.split();
    expect(() => pair.initiator.split()).toThrow(
      expect.objectContaining({ code: 'already-split' }),
    );
  });

  it('refuses oversized messages and bad key pairs', () => {
    const { initiator, responder } = newPair(provider);
    expect(responder.readMessage(new Uint8Array(65_536))).toEqual({ ok: false, code: 'too-large' });
    expect(() => initiator.writeMessage(new Uint8Array(65_536))).toThrow(
      expect.objectContaining({ code: 'too-large' }),
    );
    const bad = { publicKey: new Uint8Array(31), privateKey: new Uint8Array(32) };
    expect(() => new HandshakeState({ provider, role: 'initiator', staticKeyPair: bad })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });

  it('two handshakes between the same identities derive different keys', () => {
    const keys = { initiator: provider.generateKeyPair(), responder: provider.generateKeyPair() };
    const first = completeHandshake(provider, keys);
    const second = completeHandshake(provider, keys);
    expect(hex(first.initiator.handshakeHash!)).not.toBe(hex(second.initiator.handshakeHash!));
    const seal = (pair: typeof first) =>
      hex(
        pair.initiator.split().initiatorToResponder.encryptWithAd(new Uint8Array(0), text('same')),
      );
    expect(seal(first)).not.toBe(seal(second));
  });
});

describe('CipherState and SymmetricState', () => {
  it('builds the AESGCM nonce as 4 zero bytes and the big-endian counter', () => {
    expect(hex(noiseNonce(0n))).toBe('000000000000000000000000');
    expect(hex(noiseNonce(0x0102030405060708n))).toBe('000000000102030405060708');
  });

  it('refuses the reserved nonce 2^64-1 and does not advance on a failed decryption', () => {
    const key = provider.randomBytes(32);
    const sender = new CipherState(provider, key);
    const receiver = new CipherState(provider, key);
    sender.setNonce(2n ** 64n - 2n);
    const last = sender.encryptWithAd(new Uint8Array(0), text('last'));
    expect(() => sender.encryptWithAd(new Uint8Array(0), text('x'))).toThrow(
      expect.objectContaining({ code: 'nonce-exhausted' }),
    );
    receiver.setNonce(2n ** 64n - 2n);
    expect(receiver.decryptWithAd(new Uint8Array(1), last)).toBeUndefined();
    expect(receiver.nonce).toBe(2n ** 64n - 2n);
    expect(receiver.decryptWithAd(new Uint8Array(0), last)).toEqual(text('last'));
    expect(receiver.decryptWithAd(new Uint8Array(0), last)).toBeUndefined();
  });

  it('passes plaintext through while it has no key, as the spec says', () => {
    const empty = new CipherState(provider);
    expect(empty.hasKey()).toBe(false);
    expect(empty.encryptWithAd(new Uint8Array(0), text('clear'))).toEqual(text('clear'));
  });

  it('pads a short protocol name to 32 bytes and hashes a long one', () => {
    const short = new SymmetricState(provider, 'Noise_XX_25519_AESGCM_SHA256');
    expect(hex(short.handshakeHash)).toBe(hex(text('Noise_XX_25519_AESGCM_SHA256')) + '00000000');
    const long = 'Noise_XXfallback+psk0_25519_AESGCM_SHA256';
    expect(hex(new SymmetricState(provider, long).handshakeHash)).toBe(
      hex(provider.sha256(text(long))),
    );
    expect(bytes('00')).toHaveLength(1);
  });
});
