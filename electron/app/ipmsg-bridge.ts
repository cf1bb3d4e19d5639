// The IPMsg bridge in the app (docs/IPMSG.md, "Wiring into the app"): created next to the
// PacketChat node from the profile's settings and the launch flags, its peers shown as contacts
// (a PacketChat copy that also bridges IPMsg shows once, as its PacketChat self), its packets
// merged into the one packet log.
import { parseEndpoint } from '../../shared/address';
import type { Contact, PacketLogEntry, PeerChange, PeerInfo } from '../../shared/domain';
import type { EventSink } from '../../shared/ipc/contract';
import type { IpmsgEncodingSetting } from '../../shared/ipc/schemas';
import { MAX_STATUS_TEXT_LENGTH } from '../../shared/protocol/constants';
import { statusTextSchema } from '../../shared/protocol/packets';
import {
  createIpmsgNode,
  IPMSG_PORT,
  IpmsgOptionsError,
  packetChatTwin,
  type IpmsgNode,
  type IpmsgOptions,
  type IpmsgPeer,
  type IpmsgPeerChange,
  type NodeOptions,
  type PacketChatNode,
} from '../net/index';
import type { Identity } from '../store/identity-file';
import type { Store } from '../store/store';
import { ipmsgStorePersistence } from './ipmsg-persistence';
import type { Notice } from './notice';

/** How a transport asks for the bridge: the flags, which win over the profile's settings. */
export interface IpmsgLaunch {
  /** --ipmsg / --no-ipmsg; else the `ipmsg` setting (default on). */
  readonly enabled?: boolean;
  /** --ipmsg-port (tests); 2425 otherwise. */
  readonly port?: number;
  /** --ipmsg-encoding; else the `ipmsgEncoding` setting. */
  readonly encoding?: IpmsgEncodingSetting;
  /** For the SENDINFO answer: `PacketChat VERSION (IPMsg bridge)`. */
  readonly appVersion?: string;
  /** Timers and the like, for tests. */
  readonly tuning?: Pick<
    IpmsgOptions,
    | 'retryIntervalMs'
    | 'maxTransmissions'
    | 'replyMaxDelayMs'
    | 'answerTimeoutMs'
    | 'connectTimeoutMs'
    | 'idleTimeoutMs'
  >;
}

/** The addresses of the node's unicast discovery targets: IPMsg asks them on its own port. */
function targetAddresses(peers: readonly string[] | undefined): string[] {
  const addresses = (peers ?? []).map((text) => parseEndpoint(text, 0)?.address);
  return [...new Set(addresses.filter((a): a is string => a !== undefined))];
}

/**
 * The bridge for a session, or none when it is turned off. It follows the node's network
 * options: the same broadcast addresses (so a test that keeps discovery on loopback keeps IPMsg
 * there too), interfaces, host name and bind address, and the node's unicast targets.
 */
export function createBridge(
  store: Store,
  profileName: string,
  identity: Pick<Identity, 'nick' | 'status'>,
  node: NodeOptions,
  launch: IpmsgLaunch,
): { ipmsg: IpmsgNode | undefined; notices: Notice[] } {
  const { values } = store.getSettings();
  if (!(launch.enabled ?? values.ipmsg ?? true)) return { ipmsg: undefined, notices: [] };
  try {
    const ipmsg = createIpmsgNode({
      ...launch.tuning,
      nick: identity.nick,
      status: identity.status,
      group: values.ipmsgGroup ?? '',
      encoding: launch.encoding ?? values.ipmsgEncoding ?? 'auto',
      port: launch.port ?? IPMSG_PORT,
      targets: targetAddresses(node.peers),
      ...(node.broadcast === undefined ? {} : { broadcast: node.broadcast }),
      ...(node.interfaces === undefined ? {} : { interfaces: node.interfaces }),
      ...(node.host === undefined ? {} : { host: node.host }),
      ...(node.bindAddress === undefined ? {} : { bindAddress: node.bindAddress }),
      persistence: ipmsgStorePersistence(store),
      versionInfo:
        launch.appVersion === undefined
          ? 'PacketChat (IPMsg bridge)'
          : `PacketChat ${launch.appVersion} (IPMsg bridge)`,
      ownerLabel: `profile ${profileName}, pid ${String(process.pid)}`,
    });
    return { ipmsg, notices: [] };
  } catch (error) {
    if (!(error instanceof IpmsgOptionsError)) throw error;
    return {
      ipmsg: undefined,
      notices: [{ code: 'ipmsg-off', message: `IPMsg is off: ${error.message}` }],
    };
  }
}

/** The running IPMsg bridge, once it holds its port. */
export interface LiveBridge {
  readonly node: IpmsgNode;
  readonly contacts: IpmsgContacts;
}

/**
 * An IPMsg peer's absence text ("In a meeting", iptux's `nick[Away]` suffix) as the contact's status
 * text, under the rule PacketChat peers' status texts follow (statusTextSchema): control characters
 * become spaces, whole characters are kept up to MAX_STATUS_TEXT_LENGTH UTF-16 units.
 */
const BARE_ABSENCE = new Set(['away', 'busy', 'absent']);

function absenceText(absence: string | undefined): { statusText?: string } {
  // eslint-disable-next-line no-control-regex
  const cleaned = (absence ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  let cut = '';
  for (const char of cleaned) {
    if (cut.length + char.length > MAX_STATUS_TEXT_LENGTH) break;
    cut += char;
  }
  const parsed = statusTextSchema.safeParse(cut);
  if (!parsed.success || parsed.data === '') return {};
  // `nick[Away]`, `nick[Busy]` (IP Messenger's and our own default) say only what the status does.
  return BARE_ABSENCE.has(parsed.data.toLowerCase()) ? {} : { statusText: parsed.data };
}

/** An IPMsg peer as a contact: plain text on the wire, so always "not encrypted". */
export function ipmsgContact(peer: IpmsgPeer): Contact {
  return {
    kind: 'peer',
    trust: 'not-encrypted',
    protocol: 'ipmsg',
    badge: peer.badge,
    textEncoding: peer.encoding,
    id: peer.id,
    nick: peer.nick,
    host: peer.host,
    address: peer.address,
    port: peer.port,
    path: { kind: 'lan', address: peer.address, port: peer.port },
    tcpPort: peer.tcpPort,
    status: peer.status,
    ...absenceText(peer.absence),
    online: peer.online,
    firstSeen: peer.firstSeen,
    lastSeen: peer.lastSeen,
  };
}

/**
 * IPMsg peers as contacts, without the ones that are a PacketChat peer too (`packetChatTwin`).
 * An IPMsg peer shown before its PacketChat self appeared is taken back: an `offline` contact
 * event with `mergedInto` the PacketChat id.
 */
export class IpmsgContacts {
  /** IPMsg peers reported as contacts of their own (not merged). */
  private readonly shown = new Set<string>();

  constructor(
    private readonly ipmsg: IpmsgNode,
    private readonly node: PacketChatNode,
    private readonly emit: EventSink,
  ) {}

  onIpmsgPeer({ change, peer, previous }: IpmsgPeerChange): void {
    const twin = packetChatTwin(peer, this.node.peerList());
    if (twin !== undefined) {
      this.merge(peer, twin.id);
      return;
    }
    this.shown.add(peer.id);
    this.emit('contact', {
      change,
      peer: ipmsgContact(peer),
      kind: 'peer',
      ...(previous === undefined ? {} : { previous }),
    });
  }

  onPacketChatPeer({ change, peer }: PeerChange): void {
    if (change === 'offline') return;
    for (const id of [...this.shown]) {
      const ipmsgPeer = this.ipmsg.findPeer(id);
      if (ipmsgPeer !== undefined && packetChatTwin(ipmsgPeer, [peer]) !== undefined)
        this.merge(ipmsgPeer, peer.id);
    }
  }

  /** Every IPMsg contact (live and stored), twins left out. */
  list(): Contact[] {
    return withoutTwins(this.ipmsg.peerList(), this.node.peerList());
  }

  private merge(peer: IpmsgPeer, into: string): void {
    if (!this.shown.delete(peer.id)) return;
    this.emit('contact', {
      change: 'offline',
      peer: { ...ipmsgContact(peer), online: false },
      kind: 'peer',
      mergedInto: into,
    });
  }
}

export function withoutTwins(
  ipmsgPeers: readonly IpmsgPeer[],
  packetChatPeers: readonly PeerInfo[],
): Contact[] {
  return ipmsgPeers
    .filter((p) => packetChatTwin(p, packetChatPeers) === undefined)
    .map(ipmsgContact);
}

/**
 * One packet log for both protocols: the inspector orders and deduplicates entries by `seq`, so
 * while the bridge runs every entry (PacketChat's and IPMsg's) gets the next number of this log.
 * `nodeSeq` maps a number back to the node's own (for the node's payload of that packet).
 */
export class MergedPacketLog {
  private seq = 0;
  private readonly entries: { entry: PacketLogEntry; nodeSeq: number | undefined }[] = [];

  constructor(private readonly capacity = 4_000) {}

  add(entry: PacketLogEntry, ipmsg: boolean): PacketLogEntry {
    this.seq += 1;
    const merged: PacketLogEntry = {
      ...entry,
      seq: this.seq,
      ...(ipmsg ? { protocol: 'ipmsg' } : {}),
    };
    this.entries.push({ entry: merged, nodeSeq: ipmsg ? undefined : entry.seq });
    if (this.entries.length > this.capacity)
      this.entries.splice(0, this.entries.length - this.capacity);
    return merged;
  }

  recent(limit: number): PacketLogEntry[] {
    return this.entries.slice(-limit).map((e) => e.entry);
  }

  /** The node's own number of a PacketChat entry; undefined for IPMsg ones and forgotten ones. */
  nodeSeq(seq: number): number | undefined {
    const first = this.entries[0]?.entry.seq ?? 0;
    return this.entries[seq - first]?.nodeSeq;
  }
}
