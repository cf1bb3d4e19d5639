// `transfer` lines in --json mode: every event of a transfer is written, and the answer to a
// command (send-file, accept, decline, cancel) only when its state has not been written already,
// so each change shows once and in order (the event of a change comes before the call's answer).
import type { TransferState } from '../../shared/transfers';
import type { TransferJsonEvent } from './json-protocol';

/** Transfers remembered; the oldest are forgotten beyond this. */
const KEPT = 1_024;

export class TransferLines {
  private readonly written = new Map<string, Set<TransferState>>();

  constructor(private readonly write: (event: TransferJsonEvent) => void) {}

  event(event: TransferJsonEvent): void {
    this.record(event);
    this.write(event);
  }

  answer(event: TransferJsonEvent): void {
    if (this.written.get(event.transfer.id)?.has(event.transfer.state) === true) return;
    this.event(event);
  }

  private record({ transfer }: TransferJsonEvent): void {
    const states = this.written.get(transfer.id) ?? new Set<TransferState>();
    this.written.delete(transfer.id);
    this.written.set(transfer.id, states.add(transfer.state));
    if (this.written.size > KEPT) {
      const oldest = this.written.keys().next();
      if (oldest.done !== true) this.written.delete(oldest.value);
    }
  }
}
