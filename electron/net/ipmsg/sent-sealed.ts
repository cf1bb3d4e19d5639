/**
 * Sealed messages we sent (SECRETOPT), by the peer and packet number a READMSG will name.
 * Bounded: the oldest are forgotten first.
 */
export class SentSealed {
  private readonly byKey = new Map<string, string>();

  constructor(private readonly max = 4096) {}

  add(address: string, packetNo: number, messageId: string): void {
    this.byKey.set(`${address}#${packetNo}`, messageId);
    if (this.byKey.size > this.max) {
      const oldest = this.byKey.keys().next();
      if (oldest.done !== true) this.byKey.delete(oldest.value);
    }
  }

  /** The message a READMSG is about, once. */
  take(address: string, packetNo: number): string | undefined {
    const key = `${address}#${packetNo}`;
    const id = this.byKey.get(key);
    this.byKey.delete(key);
    return id;
  }
}
