import path from 'node:path';
import { DEFAULT_CLIENT_PORT, DEFAULT_SERVER_PORT } from '../../shared/protocol/constants';
import { parseNodeFlags, type IpmsgOverrides, type RelayOverrides } from '../app/flags';
import type { ProfileRequest } from '../store/profiles';

export interface CliOptions {
  nick: string | undefined;
  serverPort: number;
  clientPort: number;
  broadcast: string[] | undefined;
  peers: string[];
  tcp: boolean;
  relay: RelayOverrides | undefined;
  profile: ProfileRequest;
  ipmsg: IpmsgOverrides;
  /** --accept-files DIR: every incoming file offer is accepted into DIR (absolute). */
  acceptFiles: string | undefined;
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
  --relay URL          an MQTT broker that reaches other subnets and sites, mqtt://HOST[:PORT]
                       or mqtts://HOST[:PORT] (TLS); repeatable; replaces the profile's relays
  --relay-user NAME    user name for the relays (or in the URL: mqtt://NAME:PASSWORD@HOST)
  --relay-password P   password for the relays (better: PACKET_CHAT_RELAY_PASSWORD in the env)
  --relay-ca FILE      PEM file with the CA of the relays' certificates (mqtts)
  --no-relay-directory do not subscribe to the relays' directory (large deployments)
  --profile NAME       use this profile (default: the first free of default, default-2, …)
  --data-dir DIR       use this directory as the profile (identity, history, settings)
  --no-ipmsg           do not speak IP Messenger (IPMsg, FeiQ, iptux) on port 2425; --ipmsg
                       turns it on again (default: on, unless the profile's setting says off)
  --ipmsg-port N       IPMsg port (default 2425, the only one real IPMsg clients use; for tests)
  --ipmsg-encoding E   how IPMsg text of unknown encoding is read and written: auto, utf-8,
                       gb18030 (FeiQ, Chinese IP Messenger) or cp932 (Japanese); default auto
  --accept-files DIR   accept every file offer into DIR (headless nodes and scripts)
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
    extra: {
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      'accept-files': { type: 'string' },
    },
  });
  const { node } = flags;
  const acceptFiles = extra['accept-files'];
  const acceptErrors =
    acceptFiles === true || (typeof acceptFiles === 'string' && acceptFiles.startsWith('--'))
      ? ['--accept-files needs a folder']
      : [];
  return {
    options: {
      nick: flags.nick,
      serverPort: node.serverPort ?? DEFAULT_SERVER_PORT,
      clientPort: node.clientPort ?? DEFAULT_CLIENT_PORT,
      broadcast: node.broadcast,
      peers: node.peers ?? [],
      tcp: node.tcp ?? true,
      relay: node.relay,
      profile: flags.profile,
      ipmsg: flags.ipmsg,
      acceptFiles:
        typeof acceptFiles === 'string' && acceptErrors.length === 0
          ? path.resolve(acceptFiles)
          : undefined,
      json: extra['json'] === true,
      help: extra['help'] === true,
    },
    errors: [...errors, ...acceptErrors],
  };
}
