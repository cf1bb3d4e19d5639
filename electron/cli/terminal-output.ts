// Where the terminal chat's lines go. On a terminal, readline owns the input line: an incoming
// line clears the prompt and what the user is typing, is printed, and readline draws the prompt
// and the typed text again (rl.prompt(true) keeps the cursor where it was). Through a pipe, lines
// are plain lines and there is no prompt.
import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import { styleText } from 'node:util';

export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'dim' | 'bold';
/** Colours a piece of text that is already safe (see terminal-text.ts). */
export type Paint = (colour: Colour, text: string) => string;

export interface TerminalOutput {
  /** Prints a line (or several) above the input line. */
  print(text: string): void;
  /** The prompt, e.g. the selected peer's name; shown from the next redraw. */
  setPrompt(prompt: string): void;
  /** Shows the prompt again, after a line was handled. */
  prompt(): void;
  /**
   * One status line (a progress bar, at most one row wide) between the printed lines and the
   * prompt: on a terminal redrawn in place, through a pipe printed as a line each time.
   * `undefined` takes it away.
   */
  status(text: string | undefined): void;
  /** The terminal's width in cells, or undefined through a pipe. */
  columns(): number | undefined;
}

/**
 * Colours only where they help: node:util styleText checks the stream (a terminal with colours,
 * NO_COLOR unset, TERM not dumb; FORCE_COLOR wins), so pipes and NO_COLOR get plain text.
 */
export function paintFor(stream: NodeJS.WriteStream): Paint {
  return (colour, text) => styleText(colour, text, { stream, validateStream: true });
}

export function plainOutput(write: (text: string) => void): TerminalOutput {
  return {
    print: (text) => write(`${text}\n`),
    setPrompt: () => undefined,
    prompt: () => undefined,
    status: (text) => {
      if (text !== undefined) write(`${text}\n`);
    },
    columns: () => undefined,
  };
}

export function readlineOutput(rl: Interface, output: NodeJS.WriteStream): TerminalOutput {
  let shown = false;
  let closed = false; // readline throws on use after close (the last lines during /quit)
  /** The status line, drawn between the printed lines and the prompt (one row). */
  let status: string | undefined;
  let statusDrawn = false;
  rl.once('close', () => (closed = true));

  /** Clears from the status line (or the prompt) down and writes `text`, then the prompt again. */
  const redraw = (text: string): void => {
    // Back to where the prompt starts (the typed text may wrap over several rows), and one row
    // more for the status line; clear it all.
    const { rows } = rl.getCursorPos();
    moveCursor(output, 0, -rows - (statusDrawn ? 1 : 0));
    cursorTo(output, 0);
    clearScreenDown(output);
    statusDrawn = status !== undefined;
    // readline moves up as many rows again before it redraws: give it those rows below the text.
    // (After a paste it may believe the cursor is higher than it is and not move at all; then
    // a blank line is left, which is better than its redraw covering the line just printed.)
    output.write(`${text}${status === undefined ? '' : `${status}\n`}${'\n'.repeat(rows)}`);
    rl.prompt(true);
  };

  return {
    print(text) {
      if (!shown || closed) {
        output.write(`${text}\n`);
        return;
      }
      redraw(`${text}\n`);
    },
    setPrompt(prompt) {
      if (closed) return;
      rl.setPrompt(prompt);
      if (shown) rl.prompt(true);
    },
    prompt() {
      if (closed) return;
      shown = true;
      rl.prompt(true);
    },
    status(text) {
      if (closed || (text === undefined && !statusDrawn)) {
        status = text;
        return;
      }
      status = text;
      if (!shown) {
        if (text !== undefined) output.write(`${text}\n`);
        return;
      }
      redraw('');
    },
    columns: () => output.columns,
  };
}
