import { DEFAULT_CLIENT_PORT, DEFAULT_SERVER_PORT } from '../../shared/protocol/constants';
import { parseNodeFlags } from '../app/flags';
import type { ProfileRequest } from '../store/profiles';

export interface CliOptions {
  nick: string | undefined;
  serverPort: number;
  clientPort: number;
  broadcast: string[] | undefined;
  peers: string[];
  tcp: boolean;
  profile: ProfileRequest;
  json: boolean;
  help: boolean;
}

export interface ParsedArgs {
  readonly options: CliOptions;
  /** Problems with the command line: each is reported, and the node starts without that flag. */
  readonly errors: readonly string[];
}

export const USAGE = `Usage: packet-chat [options]

  --nick NAME          nickname shown to peers, 1-32 characters (default: the profile's, else
                       the host name)
  --server-port N      UDP server port, shared by every copy on a host (default ${DEFAULT_SERVER_PORT})
  --client-port N      first client port to try; the node takes the first free one at or
                       above it (default ${DEFAULT_CLIENT_PORT})
  --broadcast ADDR     discovery broadcast address; repeatable; replaces the default, which is
                       the broadcast address of every IPv4 interface (127.255.255.255 when no
                       interface has one)
  --peer IP[:PORT]     also announce to this address (PORT defaults to the server port); repeatable
  --no-tcp             turn the TCP fallback off
  --profile NAME       use this profile (default: the first free of default, default-2, …)
  --data-dir DIR       use this directory as the profile (identity, history, settings)
  --json               one JSON object per line on stdout, one JSON command per line on stdin
  --help               this text

Without --json: a chat in the terminal (/help lists its commands), in Chinese when LANG,
LC_MESSAGES or LC_ALL starts with zh, without colours when NO_COLOR is set.
`;

/** The CLI's flags: the node flags every start path shares, plus --json and --help. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedArgs {
  const { flags, extra, errors } = parseNodeFlags(argv, env, {
    strict: true,
    extra: { json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const { node } = flags;
  return {
    options: {
      nick: flags.nick,
      serverPort: node.serverPort ?? DEFAULT_SERVER_PORT,
      clientPort: node.clientPort ?? DEFAULT_CLIENT_PORT,
      broadcast: node.broadcast,
      peers: node.peers ?? [],
      tcp: node.tcp ?? true,
      profile: flags.profile,
      json: extra['json'] === true,
      help: extra['help'] === true,
    },
    errors,
  };
}
