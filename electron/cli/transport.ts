import type { Interface } from 'node:readline';
import type { CallHandlers, EventSink } from '../../shared/ipc/contract';

/** How a CLI mode talks to the backend: it receives every event and drives calls from input lines. */
export interface CliTransport {
  readonly emit: EventSink;
  run(handlers: CallHandlers, lines: Interface, quit: () => void): void;
}
