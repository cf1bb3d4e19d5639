import type { CallHandlers, EventSink } from '../../shared/ipc/contract';

/** Where typed lines come from: node:readline's Interface, or a stand-in in tests. */
export interface LineSource {
  on(event: 'line', listener: (line: string) => void): unknown;
}

/** How a CLI mode talks to the backend: it receives every event and drives calls from input lines. */
export interface CliTransport {
  readonly emit: EventSink;
  run(handlers: CallHandlers, lines: LineSource, quit: () => void): void;
}
