/**
 * A protocol v2 peer driven at the packet level: it completes real Noise XX handshakes (with its
 * own key, or many generated ones) and then seals whatever inner packet a test wants, valid or
 * hostile (a floor near 2^53, someone else's id, …). Used in-process on loopback and by the
 * hostile agent (hostile-agent.ts) inside mallory's network namespace. Plain Node: dgram and the
 * node's own crypto modules, nothing of the node itself.
 */
import type { Socket } from 'node:dgram';
import type { Endpoint } from '../../shared/address';
import { PROTOCOL_MARKER, PROTOCOL_VERSION } from '../../shared/protocol/constants';
import type { HandshakePayload } from '../../shared/protocol/packets';
import { defaultCryptoProvider } from '../../electron/net/crypto/default-provider';
import { generateIdentity, nodeIdOf } from '../../electron/net/crypto/identity';
import { HandshakeState } from '../../electron/net/crypto/noise';
import type { CryptoProvider, KeyPair } from '../../electron/net/crypto/primitives';
import { createTransport, type TransportSession } from '../../electron/net/crypto/transport';
import { decode, encode } from '../../electron/net/crypto/wire-format';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const provider: CryptoProvider = defaultCryptoProvider().provider;

/** A session this peer holds with a victim, after a completed handshake. */
export interface HostileSession {
  /** The victim's node id, from the key its handshake proved. */
  readonly peerId: string;
  /** The victim's profile from handshake message 2. */
  readonly profile: HandshakePayload;
  readonly remote: Endpoint;
  readonly transport: TransportSession;
}

interface PendingHandshake {
  readonly state: HandshakeState;
  readonly payload: HandshakePayload;
  readonly resolve: (session: HostileSession) => void;
  readonly reject: (error: Error) => void;
}

/** A JSON inner packet with the protocol header, exactly as a node writes it (any fields). */
export function innerPacket(fields: Record<string, unknown>): Uint8Array {
  return encoder.encode(JSON.stringify({ proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION, ...fields }));
}

export function randomIndex(): number {
  const bytes = provider.randomBytes(4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

/** A fresh handshake INIT (a real ephemeral key): what a handshake flood sends. */
export function handshakeInit(identity: KeyPair = generateIdentity(provider)): Uint8Array {
  const state = new HandshakeState({ provider, role: 'initiator', staticKeyPair: identity });
  const written = state.writeMessage();
  if (!written.ok) throw new Error('cannot write handshake message 1');
  return encode({
    type: 'handshake-init',
    senderIndex: randomIndex(),
    noiseMessage: written.message,
  });
}

/**
 * One identity on one UDP socket. Records the victim seals back to it are opened and kept in
 * `inbox` (their inner packets, parsed); anything else that arrives is counted in `stray`.
 */
export class HostilePeer {
  readonly identity: KeyPair;
  readonly id: string;
  /** Inner packets the victim sent us in a session, oldest first. */
  readonly inbox: Record<string, unknown>[] = [];
  /** Datagrams that were no answer to a handshake of ours and opened in no session. */
  stray = 0;
  private readonly pending = new Map<number, PendingHandshake>();
  private readonly sessions = new Map<number, HostileSession>();
  /** Handshakes others started with us, waiting for their message 3. */
  private readonly answering = new Map<number, { state: HandshakeState; remoteIndex: number }>();
  /** When set, INITs from others are answered with this profile (see `answerWith`). */
  private answerProfile: HandshakePayload | undefined;
  /** Sessions others opened with us by completing a handshake. */
  readonly accepted: HostileSession[] = [];
  private readonly listener = (bytes: Buffer, rinfo: { address: string; port: number }): void =>
    this.onMessage(bytes, { address: rinfo.address, port: rinfo.port });

  constructor(
    readonly socket: Socket,
    identity?: KeyPair,
  ) {
    this.identity = identity ?? generateIdentity(provider);
    this.id = nodeIdOf(this.identity.publicKey, provider);
    socket.on('message', this.listener);
  }

  /** Stops listening (the socket stays open: it belongs to the caller). */
  detach(): void {
    this.socket.off('message', this.listener);
    for (const p of this.pending.values()) p.reject(new Error('detached'));
    this.pending.clear();
  }

  /**
   * Runs a handshake with whoever listens at `to`, telling it `payload` as our profile (any nick,
   * any aliases). Resolves once message 3 is sent: the victim then holds the session.
   */
  handshake(to: Endpoint, payload: HandshakePayload, timeoutMs = 3_000): Promise<HostileSession> {
    const state = new HandshakeState({ provider, role: 'initiator', staticKeyPair: this.identity });
    const written = state.writeMessage();
    if (!written.ok) return Promise.reject(new Error('cannot write handshake message 1'));
    const index = randomIndex();
    const init = encode({
      type: 'handshake-init',
      senderIndex: index,
      noiseMessage: written.message,
    });
    return new Promise<HostileSession>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(index);
        reject(new Error(`no handshake response from ${to.address}:${to.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(index, {
        state,
        payload,
        resolve: (session) => {
          clearTimeout(timer);
          resolve(session);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(init, to.port, to.address);
    });
  }

  /** From now on, answers handshakes others start, telling them `profile` (any nick, any aliases). */
  answerWith(profile: HandshakePayload): void {
    this.answerProfile = profile;
  }

  /** Seals an inner packet (bytes, or fields that get the protocol header) in `session`. */
  seal(session: HostileSession, inner: Uint8Array | Record<string, unknown>): Uint8Array {
    const bytes = inner instanceof Uint8Array ? inner : innerPacket(inner);
    const sealed = session.transport.sender.seal(bytes);
    if (!sealed.ok) throw new Error(`cannot seal: ${sealed.code}`);
    return sealed.record;
  }

  /** Seals and sends to the session's remote (or `to`). */
  sendSealed(
    session: HostileSession,
    inner: Uint8Array | Record<string, unknown>,
    to: Endpoint = session.remote,
  ): void {
    this.socket.send(this.seal(session, inner), to.port, to.address);
  }

  private onMessage(bytes: Buffer, from: Endpoint): void {
    const decoded = decode(bytes);
    if (!decoded.ok) {
      this.stray += 1;
      return;
    }
    const packet = decoded.packet;
    if (packet.type === 'handshake-resp') {
      this.onResponse(packet.receiverIndex, packet.senderIndex, packet.noiseMessage, from);
      return;
    }
    if (packet.type === 'transport') {
      const session = this.sessions.get(packet.receiverIndex);
      const opened = session?.transport.receiver.open(bytes);
      if (opened?.ok !== true) {
        this.stray += 1;
        return;
      }
      try {
        const value: unknown = JSON.parse(decoder.decode(opened.inner));
        if (typeof value === 'object' && value !== null)
          this.inbox.push(value as Record<string, unknown>);
      } catch {
        this.stray += 1;
      }
      return;
    }
    if (packet.type === 'handshake-init' && this.answerProfile !== undefined) {
      this.onInit(packet.senderIndex, packet.noiseMessage, from, this.answerProfile);
      return;
    }
    if (packet.type === 'handshake-final') {
      this.onFinal(packet.receiverIndex, packet.noiseMessage, from);
      return;
    }
    this.stray += 1; // an INIT we do not answer, a cookie: not needed by the attacks
  }

  private onInit(
    remoteIndex: number,
    message: Uint8Array,
    from: Endpoint,
    profile: HandshakePayload,
  ): void {
    const state = new HandshakeState({ provider, role: 'responder', staticKeyPair: this.identity });
    if (!state.readMessage(message).ok) return;
    const written = state.writeMessage(encoder.encode(JSON.stringify(profile)));
    if (!written.ok) return;
    const localIndex = randomIndex();
    this.answering.set(localIndex, { state, remoteIndex });
    const response = encode({
      type: 'handshake-resp',
      senderIndex: localIndex,
      receiverIndex: remoteIndex,
      noiseMessage: written.message,
    });
    this.socket.send(response, from.port, from.address);
  }

  private onFinal(localIndex: number, message: Uint8Array, from: Endpoint): void {
    const answering = this.answering.get(localIndex);
    this.answering.delete(localIndex);
    const read = answering?.state.readMessage(message);
    const remoteKey = answering?.state.remoteStaticKey;
    if (answering === undefined || read?.ok !== true || remoteKey === undefined) {
      this.stray += 1;
      return;
    }
    let profile: HandshakePayload;
    try {
      profile = JSON.parse(decoder.decode(read.payload)) as HandshakePayload;
    } catch {
      return;
    }
    const transport = createTransport(answering.state, {
      localIndex,
      remoteIndex: answering.remoteIndex,
      now: Date.now(),
    });
    const session = { peerId: nodeIdOf(remoteKey, provider), profile, remote: from, transport };
    this.sessions.set(localIndex, session);
    this.accepted.push(session);
  }

  private onResponse(
    localIndex: number,
    remoteIndex: number,
    message: Uint8Array,
    from: Endpoint,
  ): void {
    const pending = this.pending.get(localIndex);
    if (pending === undefined) {
      this.stray += 1;
      return;
    }
    this.pending.delete(localIndex);
    const read = pending.state.readMessage(message);
    const remoteKey = pending.state.remoteStaticKey;
    if (!read.ok || remoteKey === undefined) {
      pending.reject(new Error('handshake message 2 did not verify'));
      return;
    }
    let profile: HandshakePayload;
    try {
      profile = JSON.parse(decoder.decode(read.payload)) as HandshakePayload;
    } catch {
      pending.reject(new Error('handshake message 2 payload is not JSON'));
      return;
    }
    const written = pending.state.writeMessage(encoder.encode(JSON.stringify(pending.payload)));
    if (!written.ok) {
      pending.reject(new Error('cannot write handshake message 3'));
      return;
    }
    const transport = createTransport(pending.state, { localIndex, remoteIndex, now: Date.now() });
    const session: HostileSession = {
      peerId: nodeIdOf(remoteKey, provider),
      profile,
      remote: from,
      transport,
    };
    this.sessions.set(localIndex, session);
    const final = encode({
      type: 'handshake-final',
      receiverIndex: remoteIndex,
      noiseMessage: written.message,
    });
    this.socket.send(final, from.port, from.address, () => pending.resolve(session));
  }
}
