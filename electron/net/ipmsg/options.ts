// Options of the IPMsg module, their defaults and the discovery targets. The targets follow the
// node's rule (every IPv4 interface's broadcast address, electron/net/interfaces.ts, plus
// configured ones) but on port 2425; the node's own discoveryTargets() takes the node's resolved
// options, which belong to the PacketChat protocol, so only the interface logic is shared.
import { hostname, userInfo } from 'node:os';
import { formatEndpoint, isIPv4, parseEndpoint, type Endpoint } from '../../../shared/address';
import type { PeerStatus } from '../../../shared/domain';
import { defaultBroadcastTargets, listIPv4Interfaces, type InterfaceAddress } from '../interfaces';
import { label } from './announce';
import {
  ENTRY_REPLY_MAX_DELAY_MS,
  IPMSG_PORT,
  MAX_OUTBOX,
  MAX_TRANSMISSIONS,
  RATE_LIMIT_BURST,
  RATE_LIMIT_PER_SECOND,
  RETRY_INTERVAL_MS,
} from './constants';
import type { IpmsgPersistence } from './persistence';
import type { EncodingSetting } from './text-encoding';

export interface IpmsgOptions {
  readonly nick?: string;
  /** IPMsg's login-name field; the OS user by default. */
  readonly user?: string;
  readonly host?: string;
  readonly group?: string;
  readonly status?: PeerStatus;
  /** 2425 unless a test says otherwise. */
  readonly port?: number;
  readonly bindAddress?: string;
  /** Broadcast addresses; replaces the default (every interface's broadcast address). */
  readonly broadcast?: readonly string[];
  /** More places for BR_ENTRY: unicast IPs or other subnets' broadcast addresses (`IP[:PORT]`). */
  readonly targets?: readonly string[];
  /** How text from peers that do not say is read, and written to peers of unknown encoding. */
  readonly encoding?: EncodingSetting;
  readonly retryIntervalMs?: number;
  readonly maxTransmissions?: number;
  readonly maxOutbox?: number;
  readonly replyMaxDelayMs?: number;
  /** Broadcast BR_ENTRY again this often (0: only at start and on refresh()). */
  readonly refreshIntervalMs?: number;
  /** After a refresh, peers that did not answer within this are marked offline. */
  readonly answerTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  /** SENDINFO text. */
  readonly versionInfo?: string;
  /** Which copy this is (profile, pid): told to a local GETINFO, so a second copy can say who has the port. */
  readonly ownerLabel?: string;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly interfaces?: () => InterfaceAddress[];
  readonly persistence?: IpmsgPersistence;
}

export type ResolvedIpmsgOptions = Required<
  Omit<IpmsgOptions, 'broadcast' | 'persistence' | 'ownerLabel'>
> & {
  readonly broadcast: readonly string[] | undefined;
  readonly ownerLabel: string | undefined;
  readonly persistence: IpmsgPersistence | undefined;
};

export class IpmsgOptionsError extends Error {
  override readonly name = 'IpmsgOptionsError';
  readonly code = 'bad-option';
}

export function resolveIpmsgOptions(options: IpmsgOptions): ResolvedIpmsgOptions {
  const host = label(options.host ?? hostname()) || 'host';
  const port = options.port ?? IPMSG_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new IpmsgOptionsError(`bad port ${port}`);
  for (const target of [...(options.targets ?? []), ...(options.broadcast ?? [])]) {
    if (parseEndpoint(target, port) === undefined)
      throw new IpmsgOptionsError(`not an address: ${target}`);
  }
  return {
    nick: label(options.nick ?? host) || host,
    user: label(options.user ?? safeUser()) || 'user',
    host,
    group: label(options.group ?? ''),
    status: options.status ?? 'online',
    port,
    bindAddress: options.bindAddress ?? '0.0.0.0',
    broadcast: options.broadcast,
    targets: options.targets ?? [],
    encoding: options.encoding ?? 'auto',
    retryIntervalMs: options.retryIntervalMs ?? RETRY_INTERVAL_MS,
    maxTransmissions: options.maxTransmissions ?? MAX_TRANSMISSIONS,
    maxOutbox: options.maxOutbox ?? MAX_OUTBOX,
    replyMaxDelayMs: options.replyMaxDelayMs ?? ENTRY_REPLY_MAX_DELAY_MS,
    refreshIntervalMs: options.refreshIntervalMs ?? 0,
    answerTimeoutMs: options.answerTimeoutMs ?? 5_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    rateLimit: options.rateLimit ?? { perSecond: RATE_LIMIT_PER_SECOND, burst: RATE_LIMIT_BURST },
    versionInfo: options.versionInfo ?? 'PacketChat (IPMsg bridge)',
    ownerLabel: options.ownerLabel,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    interfaces: options.interfaces ?? listIPv4Interfaces,
    persistence: options.persistence,
  };
}

/** Broadcast addresses (or the configured ones) on our port, then the configured targets. */
export function entryTargets(o: ResolvedIpmsgOptions, extra: readonly Endpoint[]): Endpoint[] {
  const broadcasts = o.broadcast ?? defaultBroadcastTargets(o.interfaces());
  const all = [...broadcasts, ...o.targets]
    .map((text) => parseEndpoint(text, o.port))
    .filter((e): e is Endpoint => e !== undefined)
    .concat(extra);
  const seen = new Set<string>();
  return all.filter((e) => {
    const key = formatEndpoint(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Addresses that are us: our own broadcasts come back from them. */
export function ownAddresses(o: ResolvedIpmsgOptions): Set<string> {
  if (o.bindAddress !== '0.0.0.0') return new Set([o.bindAddress]);
  return new Set(['127.0.0.1', ...o.interfaces().map((i) => i.address)]);
}

export function isLoopback(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user'; // no passwd entry (containers)
  }
}
