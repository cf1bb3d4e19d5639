import type { PeerStatus } from './protocol/packets';

export type { PeerStatus } from './protocol/packets';

/** How a message or packet travelled. */
export type Transport = 'udp' | 'tcp';

/** Delivery state of a message this node sent. */
export type DeliveryStatus = 'sending' | 'delivered' | 'pending' | 'failed';

export interface PeerInfo {
  readonly id: string;
  readonly nick: string;
  readonly host: string;
  /** The IP the peer talks from (as seen on the wire, not as claimed). */
  readonly address: string;
  /** The peer's client port: where its datagrams come from and where we send to. */
  readonly port: number;
  /** TCP fallback port, or null when the peer has TCP off. */
  readonly tcpPort: number | null;
  readonly status: PeerStatus;
  readonly online: boolean;
  /** Milliseconds since the Unix epoch. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export type PeerChangeKind = 'added' | 'updated' | 'online' | 'offline' | 'moved';

export interface PeerChange {
  readonly change: PeerChangeKind;
  readonly peer: PeerInfo;
  /** For `moved`: the IP:port the peer used before. */
  readonly previous?: { readonly address: string; readonly port: number };
}

export interface ReceivedMessage {
  readonly id: string;
  readonly from: string;
  readonly nick: string;
  readonly address: string;
  readonly port: number;
  readonly text: string;
  readonly transport: Transport;
  readonly seq: number;
  /** Sender's clock when written, and ours when delivered (ms since the Unix epoch). */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface DeliveryUpdate {
  readonly id: string;
  /** Peer id the message is addressed to. */
  readonly to: string;
  readonly status: DeliveryStatus;
  readonly transport: Transport;
  /** Transmissions so far (1 = no retransmission yet). */
  readonly attempts: number;
  /** Round-trip time of the acknowledged transmission, when it could be measured (Karn's rule). */
  readonly rttMs?: number;
}

export interface NodeCounters {
  datagramsSent: number;
  datagramsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  retransmitted: number;
  duplicatesDropped: number;
  junkDropped: number;
  rateLimited: number;
  unknownKindsIgnored: number;
  sendErrors: number;
  tcpFramesSent: number;
  tcpFramesReceived: number;
  fragmentsSent: number;
  fragmentsReceived: number;
  plainReceived: number;
}

export function emptyCounters(): NodeCounters {
  return {
    datagramsSent: 0,
    datagramsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    retransmitted: 0,
    duplicatesDropped: 0,
    junkDropped: 0,
    rateLimited: 0,
    unknownKindsIgnored: 0,
    sendErrors: 0,
    tcpFramesSent: 0,
    tcpFramesReceived: 0,
    fragmentsSent: 0,
    fragmentsReceived: 0,
    plainReceived: 0,
  };
}
