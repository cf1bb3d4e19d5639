import { createInterface } from 'node:readline';
import { Session } from '../app/session';
import { parseCliArgs, USAGE, type CliOptions } from './args';
import { errorEvent } from './json-protocol';
import { runInteractive } from './interactive';
import { runJsonMode } from './json-mode';

function openSession(options: CliOptions): Session {
  return Session.open({
    profile:
      options.dataDir !== undefined
        ? { dataDir: options.dataDir }
        : options.profile === undefined
          ? {}
          : { name: options.profile },
    ...(options.nick === undefined ? {} : { nick: options.nick }),
    node: {
      serverPort: options.serverPort,
      clientPort: options.clientPort,
      peers: options.peers,
      tcp: options.tcp,
      ...(options.broadcast === undefined ? {} : { broadcast: options.broadcast }),
    },
  });
}

/** The headless node: `packet-chat [--json] ...`. See README "Command-line node". */
async function main(argv: readonly string[]): Promise<number> {
  const { options, errors } = parseCliArgs(argv);
  const write = (event: object): void => {
    process.stdout.write(`${JSON.stringify(event)}\n`);
  };
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const report = (message: string, code?: string): void => {
    if (options.json) write(errorEvent(message, code));
    else process.stderr.write(`packet-chat: ${message}\n`);
  };
  if (options.help) {
    print(USAGE);
    return 0;
  }
  for (const error of errors) report(error, 'bad-flag');

  let session: Session;
  try {
    session = openSession(options);
  } catch (error) {
    const code =
      error instanceof Error && 'code' in error && typeof error.code === 'string'
        ? error.code
        : 'profile-failed';
    report(error instanceof Error ? error.message : String(error), code);
    return 1;
  }
  for (const notice of session.notices) report(notice.message, notice.code);

  const lines = createInterface({ input: process.stdin, terminal: false });
  const done = new Promise<void>((resolve) => {
    const quit = (): void => {
      lines.close();
      void session.close().then(resolve);
    };
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    if (options.json) {
      runJsonMode(session, lines, write, quit);
    } else {
      runInteractive(session.node, lines, print, quit);
      lines.once('close', quit); // Ctrl-D ends an interactive session
    }
  });
  try {
    await session.node.start();
  } catch (error) {
    report(error instanceof Error ? error.message : String(error), 'start-failed');
    lines.close();
    await session.close();
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
