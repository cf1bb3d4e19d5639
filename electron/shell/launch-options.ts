import path from 'node:path';
import { parseArgs } from 'node:util';
import { isIPv4, parseEndpoint, parsePort } from '../../shared/address';
import { DEFAULT_SERVER_PORT } from '../../shared/protocol/constants';

/** Which profile this copy runs with: a directory given outright, or a name under the default root. */
export type ProfileChoice = { readonly dataDir: string } | { readonly name?: string };

export interface NodeOverrides {
  serverPort?: number;
  clientPort?: number;
  peers?: string[];
  broadcast?: string[];
}

export interface LaunchOptions {
  readonly profile: ProfileChoice;
  readonly node: NodeOverrides;
}

export class LaunchOptionError extends Error {
  override readonly name = 'LaunchOptionError';
  readonly code = 'bad-launch-option';
}

const PORT_SOURCES = [
  { key: 'serverPort', flag: 'server-port', env: 'PACKET_CHAT_SERVER_PORT' },
  { key: 'clientPort', flag: 'client-port', env: 'PACKET_CHAT_CLIENT_PORT' },
] as const;

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function stringOption(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new LaunchOptionError(`--${flag} needs a value`);
  }
  return value;
}

function listOption(value: unknown, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.map((v) => stringOption(v, flag) ?? '');
}

function readProfile(values: Record<string, unknown>): ProfileChoice {
  const dataDir = stringOption(values['data-dir'], 'data-dir');
  const name = stringOption(values['profile'], 'profile');
  if (dataDir !== undefined && name !== undefined) {
    throw new LaunchOptionError('give --profile NAME or --data-dir DIR, not both');
  }
  if (dataDir !== undefined) return { dataDir: path.resolve(dataDir) };
  if (name === undefined) return {};
  if (!PROFILE_NAME.test(name)) {
    throw new LaunchOptionError('--profile must be letters, digits, dot, dash or underscore');
  }
  return { name };
}

/**
 * `--profile NAME` | `--data-dir DIR`, `--server-port N`, `--client-port N` (else
 * PACKET_CHAT_SERVER_PORT / PACKET_CHAT_CLIENT_PORT), `--peer IP[:PORT]` and `--broadcast IP`
 * (repeatable). Not strict: Electron and Chromium switches share the same argv.
 */
export function readLaunchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LaunchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: {
      'server-port': { type: 'string' },
      'client-port': { type: 'string' },
      profile: { type: 'string' },
      'data-dir': { type: 'string' },
      peer: { type: 'string', multiple: true },
      broadcast: { type: 'string', multiple: true },
    },
  });
  const node: NodeOverrides = {};
  for (const { key, flag, env: name } of PORT_SOURCES) {
    const raw = values[flag] ?? env[name];
    if (raw === undefined) continue;
    const port = typeof raw === 'string' ? parsePort(raw) : undefined;
    if (port === undefined) {
      throw new LaunchOptionError(`--${flag} (or ${name}) must be a port 1-65535`);
    }
    node[key] = port;
  }
  const peers = listOption(values['peer'], 'peer');
  if (peers?.some((p) => parseEndpoint(p, DEFAULT_SERVER_PORT) === undefined)) {
    throw new LaunchOptionError('--peer must be IP or IP:PORT');
  }
  if (peers !== undefined) node.peers = peers;
  const broadcast = listOption(values['broadcast'], 'broadcast');
  if (broadcast?.some((b) => !isIPv4(b)))
    throw new LaunchOptionError('--broadcast must be an IPv4 address');
  if (broadcast !== undefined) node.broadcast = broadcast;
  return { profile: readProfile(values), node };
}
