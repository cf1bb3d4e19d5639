import { createInterface, type Interface } from 'node:readline';
import { createBackend } from '../app/backend';
import { StoreError } from '../store/errors';
import { parseCliArgs, USAGE, type CliOptions } from './args';
import { hhmm } from './format';
import { languageFromEnv, translator, type Translate } from './i18n';
import { createInteractive } from './interactive';
import { createJsonMode } from './json-mode';
import { errorEvent } from './json-protocol';
import { startProblem } from './start-errors';
import { releaseStartupMemory, SETTLE_MS, settleStartFlags } from './startup-memory';
import { paintFor, plainOutput, readlineOutput } from './terminal-output';
import { safeName } from './terminal-text';
import type { CliTransport } from './transport';

const APP_VERSION = '0.1.0';
/** README: with no peer after this long, the terminal chat says how to find one. */
const DISCOVERY_HINT_MS = 10_000;

/** A profile or database problem keeps its own code (`profile-locked`, …); the rest is `start-failed`. */
function errorCode(error: unknown): string {
  return error instanceof StoreError ? error.code : 'start-failed';
}

/** PACKET_CHAT_DISCOVERY_HINT_MS shortens the wait for the hint (tests); default 10 s. */
function hintDelay(env: NodeJS.ProcessEnv): number {
  const value = Number(env['PACKET_CHAT_DISCOVERY_HINT_MS']);
  return Number.isInteger(value) && value >= 0 ? value : DISCOVERY_HINT_MS;
}

/** One interactive terminal both ways: then readline edits the input line and keeps a prompt. */
const onTerminal = (): boolean => process.stdin.isTTY && process.stdout.isTTY;

function transportFor(
  options: CliOptions,
  lines: Interface,
  t: Translate,
  write: (text: string) => void,
): CliTransport {
  const broadcastGiven = options.broadcast !== undefined;
  if (options.json)
    return createJsonMode((event) => write(`${JSON.stringify(event)}\n`), { broadcastGiven });
  return createInteractive({
    output: lines.terminal ? readlineOutput(lines, process.stdout) : plainOutput(write),
    ui: { t, paint: paintFor(process.stdout), clock: hhmm },
    broadcastGiven,
    hintAfterMs: hintDelay(process.env),
  });
}

/** The headless node: `packet-chat [--json] ...`. See README "Command-line node". */
async function main(argv: readonly string[]): Promise<number> {
  const { options, errors } = parseCliArgs(argv, process.env);
  const t = translator(languageFromEnv(process.env));
  let stdoutGone = false;
  const write = (text: string): void => {
    if (!stdoutGone) process.stdout.write(text);
  };
  const writeLine = (line: string): void => write(`${line}\n`);
  if (options.help) {
    writeLine(USAGE);
    return 0;
  }
  const report = (message: string, code: string): void => {
    if (options.json) writeLine(JSON.stringify(errorEvent(message, code)));
    else process.stderr.write(`packet-chat: ${safeName(message)}\n`);
  };
  for (const error of errors) report(error, 'bad-flag');

  const tty = !options.json && onTerminal();
  const lines = createInterface({
    input: process.stdin,
    ...(tty ? { output: process.stdout, terminal: true, prompt: '> ' } : { terminal: false }),
  });
  const transport = transportFor(options, lines, t, write);
  const backend = createBackend({
    profile: options.profile,
    ...(options.nick === undefined ? {} : { nick: options.nick }),
    appVersion: APP_VERSION,
    node: {
      serverPort: options.serverPort,
      clientPort: options.clientPort,
      peers: options.peers,
      tcp: options.tcp,
      ...(options.broadcast === undefined ? {} : { broadcast: options.broadcast }),
      ...(options.relay === undefined ? {} : { relay: options.relay }),
    },
    ipmsg: options.ipmsg,
    ...(options.acceptFiles === undefined ? {} : { acceptFilesDir: options.acceptFiles }),
    // Neither transport shows the live counters (json-mode.ts, interactive.ts): no tick for them.
    liveCounters: false,
    emit: transport.emit,
  });
  const done = new Promise<void>((resolve) => {
    let quitting = false;
    const quit = (): void => {
      if (quitting) return;
      quitting = true;
      lines.close();
      void backend.close().then(resolve);
    };
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    // On a terminal readline reads Ctrl-C itself (raw mode) and reports it here, not as a signal.
    lines.on('SIGINT', quit);
    // Whoever read our output went away (`packet-chat --json | head -1`): end quietly, exit 0.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stdoutGone = true;
      quit();
    });
    transport.run(backend.handlers, lines, quit);
    // End of input ends an interactive session (Ctrl-D); a --json node keeps running as a service.
    if (!options.json) lines.once('close', quit);
  });
  try {
    await backend.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report(options.json ? message : startProblem(t, error, options), errorCode(error));
    lines.close();
    await backend.close();
    return 1;
  }
  setTimeout(() => {
    settleStartFlags();
    releaseStartupMemory();
  }, SETTLE_MS).unref();
  await done;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`packet-chat: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
