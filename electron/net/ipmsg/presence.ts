// Member recognition (IP Messenger protocol 3.1): BR_ENTRY to every broadcast address and
// configured target at start and on refresh, ANSENTRY to each entry (after a random delay so a
// broadcast does not cause a reply storm), BR_ABSENCE when nickname or status change, BR_EXIT on
// close. Our packets carry FILEATTACHOPT and CAPUTF8OPT (we take files and UTF-8) and ABSENCEOPT
// when away or busy, with the absence in the nickname as IP Messenger writes it: `nick[Away]`.
import type { Endpoint } from '../../../shared/address';
import type { OwnIdentity, Outgoing, PacketComposer } from './compose';
import { Command, Option } from './constants';
import type { IpmsgEncoding } from './text-encoding';
import type { IpmsgPeer } from './types';
import { Timers } from '../timers';

export interface PresenceDeps {
  readonly composer: PacketComposer;
  readonly random: () => number;
  readonly replyMaxDelayMs: number;
  self(): OwnIdentity;
  targets(): Endpoint[];
  /** What we write to everyone at once (the encoding setting; UTF-8 for auto). */
  broadcastEncoding(): IpmsgEncoding;
  onlinePeers(): IpmsgPeer[];
  send(out: Outgoing, to: Endpoint, quiet?: boolean): Promise<boolean>;
}

export class Presence {
  private readonly timers = new Timers();
  private readonly pendingAnswers = new Set<string>();

  constructor(private readonly deps: PresenceDeps) {}

  /** BR_ENTRY to every target (broadcast addresses and configured ones). */
  entry(): void {
    const out = this.packet(Command.BR_ENTRY, this.deps.broadcastEncoding());
    for (const to of this.deps.targets()) void this.deps.send(out, to);
  }

  /** BR_ENTRY to one address (a configured target added at run time, or an unknown sender). */
  entryTo(to: Endpoint, encoding: IpmsgEncoding): void {
    void this.deps.send(this.packet(Command.BR_ENTRY, encoding), to);
  }

  /** ANSENTRY to a peer's entry, soon; at most one waiting per peer. */
  answer(peer: IpmsgPeer, to: Endpoint): void {
    if (this.pendingAnswers.has(peer.id)) return;
    this.pendingAnswers.add(peer.id);
    const delay = Math.floor(this.deps.random() * this.deps.replyMaxDelayMs);
    this.timers.after(delay, () => {
      this.pendingAnswers.delete(peer.id);
      void this.deps.send(this.packet(Command.ANSENTRY, peer.encoding), to);
    });
  }

  /** BR_ABSENCE to everyone, and unicast in its own encoding to each online peer that needs it. */
  absence(): void {
    const encoding = this.deps.broadcastEncoding();
    const out = this.packet(Command.BR_ABSENCE, encoding);
    for (const to of this.deps.targets()) void this.deps.send(out, to);
    for (const peer of this.deps.onlinePeers()) {
      if (peer.encoding !== encoding) this.absenceTo(peer);
    }
  }

  /** Our names in this peer's encoding (after we learn it is not what we broadcast). */
  absenceTo(peer: IpmsgPeer): void {
    void this.deps.send(this.packet(Command.BR_ABSENCE, peer.encoding), peer);
  }

  /** BR_EXIT to every target and online peer; resolves when they have left. */
  async exit(): Promise<void> {
    this.timers.clear();
    const out = this.packet(Command.BR_EXIT, this.deps.broadcastEncoding());
    const places = [...this.deps.targets(), ...this.deps.onlinePeers()];
    await Promise.all(
      places.map((to) => this.deps.send(out, { address: to.address, port: to.port }, true)),
    );
  }

  close(): void {
    this.timers.clear();
  }

  private packet(mode: number, encoding: IpmsgEncoding): Outgoing {
    const me = this.deps.self();
    const away = me.status !== 'online';
    const nick = away ? `${me.nick}[${me.status === 'busy' ? 'Busy' : 'Away'}]` : me.nick;
    const options = Option.FILEATTACHOPT | Option.CAPUTF8OPT | (away ? Option.ABSENCEOPT : 0);
    const body = mode === Command.BR_EXIT ? '' : nick;
    const sections = mode === Command.BR_EXIT ? [] : [me.group];
    return this.deps.composer.compose({ command: mode | options, encoding, body, sections });
  }
}
