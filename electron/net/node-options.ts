import { hostname } from 'node:os';
import { parseEndpoint, type Endpoint } from '../../shared/address';
import type { PeerStatus } from '../../shared/domain';
import {
  ANNOUNCE_INTERVAL_MS,
  ANNOUNCE_REPLY_MAX_DELAY_MS,
  CLIENT_PORT_ATTEMPTS,
  DEFAULT_CLIENT_PORT,
  DEFAULT_SERVER_PORT,
  MAX_HOST_LENGTH,
  MAX_NICK_LENGTH,
  MAX_UDP_TRANSMISSIONS,
  PEER_TIMEOUT_MS,
  RATE_LIMIT_BURST,
  RATE_LIMIT_PER_SECOND,
  SESSION_RATE_LIMIT_BURST,
  SESSION_RATE_LIMIT_PER_SECOND,
} from '../../shared/protocol/constants';
import { defaultBroadcastTargets, listIPv4Interfaces, type InterfaceAddress } from './interfaces';
import { DEFAULT_RTO, type RtoOptions } from './rtt-estimator';
import { TEXT_BODY_MIN_CHARS } from '../../shared/protocol/text-body';
import type { CryptoProvider, KeyPair } from './crypto/primitives';
import type { NodePersistence } from './persistence';
import type { RelayOptions } from './relay/relay';
import type { TcpTimeouts } from './tcp-transport';
import type { TransportLimits } from './crypto/transport';

export interface NodeOptions {
  /**
   * The long-term X25519 key pair; the node id is derived from its public key. A fresh one when
   * absent (the app keeps one per profile in identity.json).
   */
  readonly identity?: KeyPair;
  /** The Ed25519 key pair that signs group messages; a fresh one when absent. */
  readonly signing?: KeyPair;
  /** Node ids this profile had before (a profile from protocol v1), told to peers. */
  readonly aliases?: readonly string[];
  /** The crypto implementation; by default node:crypto, checked by a self-test at start-up. */
  readonly crypto?: CryptoProvider;
  readonly nick?: string;
  readonly host?: string;
  readonly status?: PeerStatus;
  /** A custom status text announced with the status ('' for none). */
  readonly statusText?: string;
  /** The hue (0-359) of the avatar colour this user chose, announced to peers. */
  readonly avatarHue?: number;
  readonly serverPort?: number;
  /** Base client port: the node takes the first free one at or above it. */
  readonly clientPort?: number;
  readonly clientPortAttempts?: number;
  readonly bindAddress?: string;
  /** Discovery broadcast addresses; replaces the default (every interface's broadcast address). */
  readonly broadcast?: readonly string[];
  /** Extra unicast discovery targets, `IP` (server port) or `IP:PORT`. */
  readonly peers?: readonly string[];
  readonly tcp?: boolean;
  readonly announceIntervalMs?: number;
  readonly peerTimeoutMs?: number;
  readonly replyMaxDelayMs?: number;
  readonly rto?: RtoOptions;
  readonly maxTransmissions?: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  /** The budget of records to a live session, per host (see SESSION_RATE_LIMIT_PER_SECOND). */
  readonly sessionRateLimit?: { readonly perSecond: number; readonly burst: number };
  readonly now?: () => number;
  readonly random?: () => number;
  readonly interfaces?: () => InterfaceAddress[];
  /** TCP fallback timeouts (connect, frame, idle); tests shorten them. */
  readonly tcpTimeouts?: TcpTimeouts;
  /** How long the TCP attempt after the UDP retries waits for its ack. */
  readonly tcpAckTimeoutMs?: number;
  /**
   * How long a group message waits for what it depends on before it shows with a gap marker:
   * messages of other members in its causal context, and the previous message of its sender.
   */
  readonly groupWaits?: {
    readonly causalMs: number;
    readonly senderMs: number;
    /** How long a gap in one writer's messages lasts before other members are asked for it. */
    readonly repairMs?: number;
  };
  /**
   * TESTS ONLY: lower the session limits (docs/CRYPTO.md, "Rekey limits") so that a rekey or an
   * expiry happens within a test. Values above WireGuard's are clamped to them.
   */
  readonly transportLimits?: Partial<TransportLimits>;
  /** Durable storage for messages, streams and peers; without it everything lives in memory. */
  readonly persistence?: NodePersistence;
  /**
   * Record bundling (docs/PROTOCOL.md, "Bundles"), on by default. Off, the node neither offers
   * the `bundle` feature nor understands bundles or `acks`, exactly as a v2 node made before
   * them: tests use it to stand for an older peer.
   */
  readonly bundle?: boolean;
  /**
   * Compact bundles (docs/PROTOCOL.md, "Compact bundles"), on by default with `bundle`. Off, the
   * node offers only `bundle` and reads a compact bundle as junk, as a node made before them.
   */
  readonly compact?: boolean;
  /**
   * The text body form (docs/PROTOCOL.md, "Text bodies"), on by default: the node offers the
   * `text-body` feature, reads the form, and sends a long text in it to a peer that offers it.
   * Off, it does none of these, exactly as a node made before it (tests: an older peer).
   */
  readonly textBody?: boolean;
  /**
   * Texts of at least this many UTF-16 units go in the body form (TEXT_BODY_MIN_CHARS). Tests
   * lower it to put short texts in the form, over UDP too.
   */
  readonly textBodyMinChars?: number;
  /** MQTT brokers that reach other subnets and sites (docs/RELAY.md); none by default. */
  readonly relay?: RelayOptions;
}

export interface ResolvedOptions {
  readonly nodeId: string;
  readonly nick: string;
  readonly host: string;
  readonly status: PeerStatus;
  readonly serverPort: number;
  readonly clientPort: number;
  readonly clientPortAttempts: number;
  readonly bindAddress: string;
  readonly broadcast: readonly string[] | undefined;
  readonly peers: readonly Endpoint[];
  readonly tcp: boolean;
  readonly announceIntervalMs: number;
  readonly peerTimeoutMs: number;
  readonly replyMaxDelayMs: number;
  readonly rto: RtoOptions;
  readonly maxTransmissions: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  readonly sessionRateLimit: { readonly perSecond: number; readonly burst: number };
  readonly now: () => number;
  readonly random: () => number;
  readonly interfaces: () => InterfaceAddress[];
  readonly bundle: boolean;
  readonly compact: boolean;
  readonly textBody: boolean;
  readonly textBodyMinChars: number;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  readonly code = 'bad-option';
}

/** Keeps a nickname or host name within protocol limits: no control characters, bounded length. */
export function cleanLabel(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  // Cut at a code point boundary so a cut never leaves half a surrogate pair.
  return Array.from(cleaned).slice(0, max).join('');
}

function port(value: number | undefined, fallback: number, name: string): number {
  const p = value ?? fallback;
  if (!Number.isInteger(p) || p < 1 || p > 65_535) {
    throw new OptionsError(`${name} must be a port number 1..65535, got ${String(value)}`);
  }
  return p;
}

/** `nodeId` is derived from the identity key by the node. */
export function resolveOptions(options: NodeOptions, nodeId: string): ResolvedOptions {
  const serverPort = port(options.serverPort, DEFAULT_SERVER_PORT, 'serverPort');
  const host = cleanLabel(options.host ?? hostname(), MAX_HOST_LENGTH);
  const nick = cleanLabel(options.nick ?? host, MAX_NICK_LENGTH) || 'PacketChat user';
  const peers = (options.peers ?? []).map((text) => {
    const endpoint = parseEndpoint(text, serverPort);
    if (endpoint === undefined) throw new OptionsError(`peer must be IP or IP:PORT, got ${text}`);
    return endpoint;
  });
  for (const target of options.broadcast ?? []) {
    if (parseEndpoint(target, serverPort) === undefined) {
      throw new OptionsError(`broadcast target must be an IPv4 address, got ${target}`);
    }
  }
  return {
    nodeId,
    nick,
    host,
    status: options.status ?? 'online',
    serverPort,
    clientPort: port(options.clientPort, DEFAULT_CLIENT_PORT, 'clientPort'),
    clientPortAttempts: options.clientPortAttempts ?? CLIENT_PORT_ATTEMPTS,
    bindAddress: options.bindAddress ?? '0.0.0.0',
    broadcast: options.broadcast,
    peers,
    tcp: options.tcp ?? true,
    announceIntervalMs: options.announceIntervalMs ?? ANNOUNCE_INTERVAL_MS,
    peerTimeoutMs: options.peerTimeoutMs ?? PEER_TIMEOUT_MS,
    replyMaxDelayMs: options.replyMaxDelayMs ?? ANNOUNCE_REPLY_MAX_DELAY_MS,
    rto: options.rto ?? DEFAULT_RTO,
    maxTransmissions: options.maxTransmissions ?? MAX_UDP_TRANSMISSIONS,
    rateLimit: options.rateLimit ?? { perSecond: RATE_LIMIT_PER_SECOND, burst: RATE_LIMIT_BURST },
    sessionRateLimit: options.sessionRateLimit ?? {
      perSecond: SESSION_RATE_LIMIT_PER_SECOND,
      burst: SESSION_RATE_LIMIT_BURST,
    },
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    interfaces: options.interfaces ?? listIPv4Interfaces,
    bundle: options.bundle ?? true,
    compact: options.compact ?? true,
    textBody: options.textBody ?? true,
    textBodyMinChars: Math.max(1, options.textBodyMinChars ?? TEXT_BODY_MIN_CHARS),
  };
}

/** Where announces go: broadcast addresses on the server port, then the configured peers. */
export function discoveryTargets(options: ResolvedOptions, extra: readonly Endpoint[]): Endpoint[] {
  const broadcasts = options.broadcast ?? defaultBroadcastTargets(options.interfaces());
  const all = [
    ...broadcasts.map((b) => parseEndpoint(b, options.serverPort)),
    ...options.peers,
    ...extra,
  ].filter((e): e is Endpoint => e !== undefined);
  const seen = new Set<string>();
  return all.filter((e) => {
    const key = `${e.address}:${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
