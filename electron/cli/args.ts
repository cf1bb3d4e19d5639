import { parseArgs } from 'node:util';
import { parseEndpoint, parsePort } from '../../shared/address';
import { DEFAULT_CLIENT_PORT, DEFAULT_SERVER_PORT } from '../../shared/protocol/constants';

export interface CliOptions {
  nick: string | undefined;
  serverPort: number;
  clientPort: number;
  broadcast: string[] | undefined;
  peers: string[];
  tcp: boolean;
  dataDir: string | undefined;
  profile: string | undefined;
  json: boolean;
  help: boolean;
}

export interface ParsedArgs {
  readonly options: CliOptions;
  /** Problems with the command line: each is reported, and the node starts without that flag. */
  readonly errors: string[];
}

export const USAGE = `Usage: packet-chat [options]

  --nick NAME          nickname shown to peers (default: the host name)
  --server-port N      UDP server port, shared by every copy on a host (default ${DEFAULT_SERVER_PORT})
  --client-port N      first client port to try; the node takes the first free one at or
                       above it (default ${DEFAULT_CLIENT_PORT})
  --broadcast ADDR     discovery broadcast address; repeatable; replaces the default, which is
                       the broadcast address of every IPv4 interface
  --peer IP[:PORT]     also announce to this address (PORT defaults to the server port); repeatable
  --no-tcp             turn the TCP fallback off
  --profile NAME       use this profile (default: the first free of default, default-2, …)
  --data-dir DIR       use this directory as the profile (identity, history, settings)
  --json               one JSON object per line on stdout, one JSON command per line on stdin
  --help               this text
`;

const spec = {
  nick: { type: 'string' },
  'server-port': { type: 'string' },
  'client-port': { type: 'string' },
  broadcast: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  tcp: { type: 'boolean', default: true },
  'data-dir': { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const errors: string[] = [];
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: spec,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') errors.push(`unexpected argument: ${token.value}`);
    if (token.kind === 'option' && !(token.name in spec)) {
      errors.push(`unknown flag: ${token.rawName}`);
    }
  }
  const text = (name: keyof typeof spec): string | undefined => {
    const value: unknown = values[name];
    if (value === true) errors.push(`--${name} needs a value`);
    if (typeof value === 'string' && value.startsWith('--')) {
      errors.push(`--${name} needs a value, got the flag "${value}"`);
      return undefined;
    }
    return typeof value === 'string' ? value : undefined;
  };
  const list = (name: 'broadcast' | 'peer'): string[] => {
    const value: unknown = values[name];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };
  const portFlag = (name: 'server-port' | 'client-port', fallback: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const port = parsePort(raw);
    if (port === undefined) errors.push(`--${name} must be a port number 1..65535, got "${raw}"`);
    return port ?? fallback;
  };
  const serverPort = portFlag('server-port', DEFAULT_SERVER_PORT);
  const addresses = (name: 'broadcast' | 'peer'): string[] =>
    list(name).filter((value) => {
      const ok = parseEndpoint(value, serverPort) !== undefined;
      if (!ok)
        errors.push(
          `--${name} must be an IPv4 address${name === 'peer' ? ' or IP:PORT' : ''}, got "${value}"`,
        );
      return ok;
    });
  const broadcast = addresses('broadcast');
  const options: CliOptions = {
    nick: text('nick'),
    serverPort,
    clientPort: portFlag('client-port', DEFAULT_CLIENT_PORT),
    broadcast: list('broadcast').length > 0 ? broadcast : undefined,
    peers: addresses('peer'),
    tcp: values.tcp !== false,
    dataDir: text('data-dir'),
    profile: profileName(text('profile'), errors),
    json: values.json === true,
    help: values.help === true,
  };
  return { options, errors };
}

/** Profile names become directory names: keep them plain. */
function profileName(value: string | undefined, errors: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (/^[A-Za-z0-9_.-]{1,64}$/.test(value) && value !== '.' && value !== '..') return value;
  errors.push(
    `--profile must be 1-64 letters, digits, dots, dashes or underscores, got "${value}"`,
  );
  return undefined;
}
