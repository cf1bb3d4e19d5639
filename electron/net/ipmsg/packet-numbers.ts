/**
 * Our packet numbers. They must go up for as long as we run: iptux acknowledges, then silently
 * drops, any SENDMSG whose number is not above the last it saw from us (it forgets on our
 * BR_ENTRY). Like IP Messenger we start from the clock in seconds, so a restart continues above
 * the previous run's numbers, and count up by one; iptux reads them as 32-bit unsigned numbers.
 */
export class PacketNumbers {
  private last: number;

  constructor(now: () => number) {
    this.last = Math.max(0, Math.floor(now() / 1000) - 1) % 0xffff_fff0;
  }

  next(): number {
    this.last = this.last >= 0xffff_fffe ? 1 : this.last + 1;
    return this.last;
  }
}
