// One IPMsg endpoint on port 2425 (UDP and TCP): start/close and the public API. The same event
// and data shapes as the PacketChat node where they overlap (shared/domain.ts), so the app
// attaches it next to the node (docs/IPMSG.md, "Wiring").
import { EventEmitter } from 'node:events';
import { formatEndpoint, isIPv4, parseEndpoint, type Endpoint } from '../../../shared/address';
import type { ChatMessage, PacketLogEntry, PeerStatus } from '../../../shared/domain';
import { Timers } from '../timers';
import { Command, IPMSG_PORT, MAX_TEXT_BYTES, Option } from './constants';
import { IpmsgCore, type Emit } from './ipmsg-core';
import { ipmsgAddress } from '../../../shared/ipmsg-id';
import { entryTargets, resolveIpmsgOptions, type IpmsgOptions } from './options';
import { findHolder } from './port-holder';
import {
  bindIpmsgSockets,
  closeTcp,
  closeUdp,
  type BindOutcome,
  type IpmsgSockets,
} from './sockets';
import type { EncodingSetting, IpmsgEncoding } from './text-encoding';
import type { IpmsgCounters } from './udp-wire';
import {
  IpmsgError,
  type IncomingOffer,
  type IpmsgEvents,
  type IpmsgInfo,
  type IpmsgPeer,
  type IpmsgStartResult,
  type OutgoingOffer,
  type PortUnavailable,
  type TransferProgress,
} from './types';

const HOLDER_PROBE_MS = 500;

export interface SendTextOptions {
  /** Sealed (SECRETOPT|READCHECKOPT): IP Messenger shows it closed and says when it is opened. */
  readonly sealed?: boolean;
}

export class IpmsgNode extends EventEmitter<IpmsgEvents> {
  private readonly core: IpmsgCore;
  private readonly timers = new Timers();
  private sockets: IpmsgSockets | undefined;
  private starting: Promise<IpmsgStartResult> | undefined;
  private closing: Promise<void> | undefined;
  private started = false;

  constructor(options: IpmsgOptions = {}) {
    super();
    this.setMaxListeners(50);
    const emit: Emit = (event, ...args) => {
      // EventEmitter's typed emit cannot relate a generic K to its tuple; the Emit type can.
      (this.emit as (name: string, ...values: unknown[]) => boolean)(event, ...args);
    };
    this.core = new IpmsgCore(resolveIpmsgOptions(options), emit);
  }

  /**
   * Binds UDP and TCP on the port and broadcasts BR_ENTRY. Never rejects for a taken port: the
   * result (and a `port-unavailable` event) says who has it. Calling twice is harmless.
   */
  start(): Promise<IpmsgStartResult> {
    this.starting ??= this.bindAndEnter();
    return this.starting;
  }

  /** BR_EXIT to everyone, then every timer, socket and connection is gone. Safe to repeat. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  info(): IpmsgInfo {
    const { me, o } = this.core;
    return {
      nick: me.nick,
      user: me.user,
      host: me.host,
      group: me.group,
      port: o.port,
      bindAddress: o.bindAddress,
      addresses: o.interfaces().map((i) => i.address),
      targets: entryTargets(o, this.core.extraTargets).map(formatEndpoint),
    };
  }

  counters(): IpmsgCounters {
    return { ...this.core.counters };
  }

  peerList(): IpmsgPeer[] {
    return this.core.peers.list();
  }

  /** A peer by `ipmsg:IP`, by IP, or by `IP:PORT`. */
  findPeer(to: string): IpmsgPeer | undefined {
    const text = to.trim();
    const address =
      ipmsgAddress(text) ?? (isIPv4(text) ? text : parseEndpoint(text, IPMSG_PORT)?.address);
    return address === undefined ? undefined : this.core.peers.byAddress(address);
  }

  /** Stores and queues a message; later states follow as `message-state` events. */
  sendText(to: string, text: string, options: SendTextOptions = {}): ChatMessage {
    const peer = this.peerFor(to, text);
    const sealed = options.sealed === true;
    const extraOptions = sealed ? Option.SECRETOPT | Option.READCHECKOPT : 0;
    return this.core.sender.send(peer, text, {
      extraOptions,
      ...(sealed
        ? { onPacketNo: (n: number, id: string) => this.core.sealedSent.add(peer.address, n, id) }
        : {}),
    });
  }

  /** The same text to several peers: one unicast each with MULTICASTOPT (IPMsg's group send). */
  sendGroup(to: readonly string[], text: string): ChatMessage[] {
    const peers = [...new Set(to)].map((id) => this.peerFor(id, text));
    return peers.map((peer) => this.core.sender.send(peer, text, { multicast: true }));
  }

  /** Sends a pending message (and what waits before it for that peer) again now. */
  retry(messageId: string): void {
    if (!this.core.sender.retry(messageId))
      throw new IpmsgError('not-found', `no pending message ${messageId}`);
  }

  /** The user has read this conversation: READMSG for its sealed messages. Returns how many. */
  markRead(peerId: string): number {
    this.check();
    return this.core.markRead(peerId);
  }

  /**
   * Offers files and folders (served over TCP until the peer fetches or releases them). `force`
   * sends folders even to iptux before 0.9.4, which crashes receiving one it does not have yet.
   */
  async offerFiles(
    to: string,
    paths: readonly string[],
    text = '',
    options: { force?: boolean } = {},
  ): Promise<OutgoingOffer> {
    const peer = this.peerFor(to, text === '' ? 'files' : text);
    return this.core.files.offer(peer, paths, text, options.force === true);
  }

  acceptFile(offerId: string, fileId: number, destDir: string): Promise<TransferProgress> {
    this.check();
    return this.core.files.accept(offerId, fileId, destDir);
  }

  declineOffer(offerId: string): void {
    this.check();
    this.core.files.decline(offerId);
  }

  /**
   * An offer received in an earlier run (the app keeps them, docs/IPMSG.md "In the app"): it can
   * be accepted or declined again, since IPMsg senders serve an offer until it is released. Not
   * reported again. Works before start(); false when the offer's ids do not fit together.
   */
  restoreOffer(offer: IncomingOffer): boolean {
    return this.core.files.restore(offer);
  }

  /** Takes back an offer of ours: the peer can no longer fetch it (IPMsg cannot tell it so). */
  withdrawOffer(offerId: string): void {
    this.check();
    if (!this.core.files.withdraw(offerId))
      throw new IpmsgError('not-found', `no offer ${offerId}`);
  }

  /** iptux's shared files: the answer arrives as a `file-offer` with `shared: true`. */
  askShared(to: string): void {
    this.core.files.askShared(this.peerFor(to, 'ask'));
  }

  /** BR_ENTRY to every target now; peers that do not answer in time are marked offline. */
  refresh(): void {
    this.check();
    const heard = new Set<string>();
    this.core.refreshes.add(heard);
    this.core.presence.entry();
    this.timers.after(this.core.o.answerTimeoutMs, () => {
      this.core.refreshes.delete(heard);
      for (const peer of this.core.peers.list()) {
        if (peer.online && !heard.has(peer.address)) {
          this.core.apply(this.core.peers.markOffline(peer.id));
        }
      }
    });
  }

  /** Another place for BR_ENTRY (`IP` means port 2425): a host on another subnet, a broadcast. */
  addTarget(text: string): Endpoint {
    const endpoint = parseEndpoint(text, this.core.o.port);
    if (endpoint === undefined) throw new IpmsgError('unknown-peer', `not an address: ${text}`);
    if (!this.core.extraTargets.some((e) => formatEndpoint(e) === formatEndpoint(endpoint))) {
      this.core.extraTargets.push(endpoint);
    }
    if (this.started) this.core.presence.entryTo(endpoint, this.core.broadcastEncoding());
    return endpoint;
  }

  /** Nickname, status or group changed: BR_ABSENCE tells everyone at once. */
  setProfile(profile: { nick?: string; status?: PeerStatus; group?: string }): void {
    this.core.me = { ...this.core.me, ...profile };
    if (this.started) this.core.presence.absence();
  }

  setEncoding(setting: EncodingSetting): void {
    this.core.setting = setting;
  }

  /** Pins one peer's encoding (when the guess is wrong). */
  setPeerEncoding(peerId: string, encoding: IpmsgEncoding): void {
    this.core.apply(this.core.peers.setEncoding(peerId, encoding));
  }

  packets(limit?: number): PacketLogEntry[] {
    return this.core.log.recent(limit);
  }

  rttMs(peerId: string): number | undefined {
    return this.core.sender.rttMs(peerId);
  }

  private peerFor(to: string, text: string): IpmsgPeer {
    this.check();
    if (text.length === 0) throw new IpmsgError('empty', 'message is empty');
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_TEXT_BYTES)
      throw new IpmsgError('too-long', `message is ${bytes} bytes, limit ${MAX_TEXT_BYTES}`);
    const peer = this.findPeer(to);
    if (peer === undefined) throw new IpmsgError('unknown-peer', `no IPMsg peer ${to}`);
    return peer;
  }

  private check(): void {
    if (this.closing !== undefined) throw new IpmsgError('closed', 'IPMsg is closed');
    if (!this.started) throw new IpmsgError('not-started', 'IPMsg is not started');
  }

  private async bindAndEnter(): Promise<IpmsgStartResult> {
    if (this.closing !== undefined) throw new IpmsgError('closed', 'IPMsg is closed');
    const { o } = this.core;
    const outcome = await bindIpmsgSockets(o.port, o.bindAddress);
    if (!outcome.ok) {
      const unavailable = await this.describe(outcome);
      this.emit('port-unavailable', unavailable);
      return { ok: false, unavailable };
    }
    this.sockets = outcome.sockets;
    this.core.wire.attach(outcome.sockets.udp);
    this.core.files.attach(outcome.sockets.tcp);
    this.core.peers.restore(o.persistence?.loadPeers() ?? []);
    this.core.sender.restore(o.persistence?.loadOutbox() ?? []);
    this.started = true;
    this.core.presence.entry();
    if (o.refreshIntervalMs > 0) this.timers.every(o.refreshIntervalMs, () => this.refresh());
    const info = this.info();
    this.emit('ready', info);
    return { ok: true, info };
  }

  private async describe(outcome: Extract<BindOutcome, { ok: false }>): Promise<PortUnavailable> {
    const { o } = this.core;
    const inUse = outcome.code === 'EADDRINUSE';
    const probe = this.core.composer.compose({
      command: Command.GETINFO,
      encoding: 'utf-8',
      body: '',
    }).bytes;
    const holder = inUse ? await findHolder(o.port, probe, HOLDER_PROBE_MS) : {};
    const who =
      holder.packetChat !== undefined
        ? `another PacketChat copy (${holder.packetChat})`
        : holder.process !== undefined
          ? `${holder.process.command} (pid ${holder.process.pid})`
          : 'another program';
    const message = inUse
      ? `${outcome.which.toUpperCase()} port ${o.port} is in use by ${who}: IPMsg is off in this copy`
      : `cannot bind ${outcome.which.toUpperCase()} port ${o.port}: ${outcome.message}`;
    return { code: inUse ? 'port-in-use' : 'bind-failed', port: o.port, message, ...holder };
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.timers.clear();
    this.core.sender.close();
    if (this.started) await this.core.presence.exit();
    this.core.presence.close();
    this.core.files.close();
    const sockets = this.sockets;
    this.sockets = undefined;
    this.core.wire.detach();
    this.started = false;
    if (sockets !== undefined) await Promise.all([closeUdp(sockets.udp), closeTcp(sockets.tcp)]);
  }
}

export function createIpmsgNode(options: IpmsgOptions = {}): IpmsgNode {
  return new IpmsgNode(options);
}
