import { createInterface } from 'node:readline';
import { createNode } from '../net/node';
import { parseCliArgs, USAGE } from './args';
import { loadIdentity, saveIdentity } from './identity-file';
import { errorEvent } from './json-protocol';
import { runInteractive } from './interactive';
import { runJsonMode } from './json-mode';

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

  let nodeId: string | undefined;
  let nick = options.nick;
  if (options.dataDir !== undefined) {
    const { identity, warning } = await loadIdentity(options.dataDir);
    if (warning !== undefined) report(warning, 'identity-reset');
    nodeId = identity.nodeId;
    nick ??= identity.nick;
    if (options.nick !== undefined)
      await saveIdentity(options.dataDir, { nodeId, nick: options.nick });
  }

  const node = createNode({
    ...(nodeId === undefined ? {} : { nodeId }),
    ...(nick === undefined ? {} : { nick }),
    serverPort: options.serverPort,
    clientPort: options.clientPort,
    peers: options.peers,
    tcp: options.tcp,
    ...(options.broadcast === undefined ? {} : { broadcast: options.broadcast }),
  });
  const lines = createInterface({ input: process.stdin, terminal: false });
  let exitCode = 0;
  const done = new Promise<void>((resolve) => {
    const quit = (): void => {
      lines.close();
      void node.close().then(resolve);
    };
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    if (options.json) {
      runJsonMode(node, lines, write, quit);
    } else {
      runInteractive(node, lines, print, quit);
      lines.once('close', quit); // Ctrl-D ends an interactive session
    }
  });
  try {
    await node.start();
  } catch (error) {
    report(error instanceof Error ? error.message : String(error), 'start-failed');
    exitCode = 1;
    lines.close();
    await node.close();
    return exitCode;
  }
  await done;
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`packet-chat: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
