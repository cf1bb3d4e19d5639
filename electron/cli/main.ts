import { createInterface } from 'node:readline';
import { createBackend } from '../app/backend';
import { StoreError } from '../store/errors';
import { parseCliArgs, USAGE } from './args';
import { createInteractive } from './interactive';
import { createJsonMode } from './json-mode';
import { errorEvent } from './json-protocol';
import type { CliTransport } from './transport';

const APP_VERSION = '0.1.0';

/** A profile or database problem keeps its own code (`profile-locked`, …); the rest is `start-failed`. */
function errorCode(error: unknown): string {
  return error instanceof StoreError ? error.code : 'start-failed';
}

/** The headless node: `packet-chat [--json] ...`. See README "Command-line node". */
async function main(argv: readonly string[]): Promise<number> {
  const { options, errors } = parseCliArgs(argv, process.env);
  const writeLine = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const transport: CliTransport = options.json
    ? createJsonMode((event) => writeLine(JSON.stringify(event)), {
        broadcastGiven: options.broadcast !== undefined,
      })
    : createInteractive(writeLine);
  const report = (message: string, code: string): void => {
    if (options.json) writeLine(JSON.stringify(errorEvent(message, code)));
    else process.stderr.write(`packet-chat: ${message}\n`);
  };
  if (options.help) {
    writeLine(USAGE);
    return 0;
  }
  for (const error of errors) report(error, 'bad-flag');

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
    },
    emit: transport.emit,
  });
  const lines = createInterface({ input: process.stdin, terminal: false });
  const done = new Promise<void>((resolve) => {
    const quit = (): void => {
      lines.close();
      void backend.close().then(resolve);
    };
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    transport.run(backend.handlers, lines, quit);
    // End of input ends an interactive session (Ctrl-D); a --json node keeps running as a service.
    if (!options.json) lines.once('close', quit);
  });
  try {
    await backend.start();
  } catch (error) {
    report(error instanceof Error ? error.message : String(error), errorCode(error));
    lines.close();
    await backend.close();
    return 1;
  }
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
