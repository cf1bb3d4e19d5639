import path from 'node:path';
import { parseArgs } from 'node:util';
import { isIPv4, parseEndpoint, parsePort } from '../../shared/address';
import {
  IPMSG_ENCODINGS,
  relayUrlText,
  settingsSchema,
  type IpmsgEncodingSetting,
} from '../../shared/ipc/schemas';
import type { RelayConfig } from '../net/index';
import { DEFAULT_SERVER_PORT, MAX_NICK_LENGTH } from '../../shared/protocol/constants';
import { isProfileName, PROFILE_NAME_RULE } from '../store/profile-name';
import type { ProfileRequest } from '../store/profiles';

/**
 * The flags every way of starting a node understands: the CLI (`packet-chat …`) and the desktop
 * app (`PacketChat …`, among Electron's and Chromium's own switches). One parser, so both accept
 * and refuse exactly the same things. README "Command-line node" lists them.
 */
export const NODE_FLAGS = {
  nick: { type: 'string' },
  'server-port': { type: 'string' },
  'client-port': { type: 'string' },
  broadcast: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  tcp: { type: 'boolean' },
  profile: { type: 'string' },
  'data-dir': { type: 'string' },
  relay: { type: 'string', multiple: true },
  'relay-user': { type: 'string' },
  'relay-password': { type: 'string' },
  'relay-ca': { type: 'string' },
  'relay-directory': { type: 'boolean' },
  ipmsg: { type: 'boolean' },
  'ipmsg-port': { type: 'string' },
  'ipmsg-encoding': { type: 'string' },
} as const;

/** What the relay flags override; the rest comes from the profile's settings. */
export interface RelayOverrides {
  /** `--relay` (repeatable) replaces the stored brokers for this run. */
  brokers?: RelayConfig[];
  /** `--no-relay-directory`. */
  directory?: boolean;
}

export interface NodeOverrides {
  serverPort?: number;
  clientPort?: number;
  peers?: string[];
  broadcast?: string[];
  tcp?: boolean;
  relay?: RelayOverrides;
}

/** IPMsg bridge flags; each wins over the profile's setting (docs/IPMSG.md). */
export interface IpmsgOverrides {
  /** --ipmsg / --no-ipmsg. */
  enabled?: boolean;
  /** --ipmsg-port N (tests; real IPMsg clients only ever use 2425). */
  port?: number;
  encoding?: IpmsgEncodingSetting;
}

export interface NodeFlags {
  readonly profile: ProfileRequest;
  readonly node: NodeOverrides;
  readonly ipmsg: IpmsgOverrides;
  readonly nick?: string;
}

type Spec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export interface ParsedFlags {
  readonly flags: NodeFlags;
  /** Values of the caller's extra flags, as parseArgs gives them. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** Each problem in one sentence; the flag it concerns is ignored (its default applies). */
  readonly errors: readonly string[];
}

/** A password on the command line is visible to every user of the machine (`ps`): the env is not. */
const RELAY_PASSWORD_ENV = 'PACKET_CHAT_RELAY_PASSWORD';

const PORT_ENV = {
  'server-port': 'PACKET_CHAT_SERVER_PORT',
  'client-port': 'PACKET_CHAT_CLIENT_PORT',
};

/**
 * Reads the node flags (and `extra` ones) from argv. With `strict`, unknown flags and stray
 * arguments are errors too (the CLI); without, they are left for others (Electron's argv).
 * Ports fall back to PACKET_CHAT_SERVER_PORT / PACKET_CHAT_CLIENT_PORT.
 */
export function parseNodeFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly strict: boolean; readonly extra?: Spec },
): ParsedFlags {
  const spec: Spec = { ...NODE_FLAGS, ...options.extra };
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: spec,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  const errors: string[] = [];
  if (options.strict) {
    for (const token of tokens) {
      if (token.kind === 'positional') errors.push(`unexpected argument: ${token.value}`);
      if (token.kind === 'option' && !(token.name in spec))
        errors.push(`unknown flag: ${token.rawName}`);
    }
  }
  const text = (name: string): string | undefined => {
    const value: unknown = values[name];
    if (value === true) errors.push(`--${name} needs a value`);
    if (typeof value === 'string' && value.startsWith('--')) {
      errors.push(`--${name} needs a value, got the flag "${value}"`);
      return undefined;
    }
    return typeof value === 'string' ? value : undefined;
  };
  const node: NodeOverrides = {};
  for (const flag of ['server-port', 'client-port'] as const) {
    const raw = text(flag) ?? env[PORT_ENV[flag]];
    if (raw === undefined) continue;
    const port = parsePort(raw);
    if (port === undefined) errors.push(`--${flag} must be a port number 1..65535, got "${raw}"`);
    else node[flag === 'server-port' ? 'serverPort' : 'clientPort'] = port;
  }
  const list = (name: 'peer' | 'broadcast', valid: (v: string) => boolean, what: string) => {
    const given = values[name];
    if (!Array.isArray(given)) return undefined;
    const ok = given.filter((v): v is string => typeof v === 'string' && valid(v));
    for (const v of given)
      if (!ok.includes(v as string)) errors.push(`--${name} must be ${what}, got "${String(v)}"`);
    return ok;
  };
  const peers = list(
    'peer',
    (v) => parseEndpoint(v, DEFAULT_SERVER_PORT) !== undefined,
    'an IPv4 address or IP:PORT',
  );
  if (peers !== undefined) node.peers = peers;
  // A bad --broadcast leaves the default targets (every interface's broadcast address), not none.
  const broadcast = list('broadcast', isIPv4, 'an IPv4 address');
  if (broadcast !== undefined && broadcast.length > 0) node.broadcast = broadcast;
  if (typeof values['tcp'] === 'boolean') node.tcp = values['tcp'];
  const relay = relayOf(values, text, env, errors);
  if (relay !== undefined) node.relay = relay;
  const nick = nickOf(text('nick'), errors);
  const ipmsg = ipmsgOf(values['ipmsg'], text('ipmsg-port'), text('ipmsg-encoding'), errors);
  const extra = Object.fromEntries(
    Object.keys(options.extra ?? {}).map((name) => [name, values[name]]),
  );
  return {
    flags: {
      profile: profileOf(text('profile'), text('data-dir'), errors),
      node,
      ipmsg,
      ...(nick === undefined ? {} : { nick }),
    },
    extra,
    errors,
  };
}

/** `--relay URL` (repeatable) with `--relay-user`, `--relay-password`, `--relay-ca` for each. */
function relayOf(
  values: Readonly<Record<string, unknown>>,
  text: (name: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  errors: string[],
): RelayOverrides | undefined {
  const given = values['relay'];
  const urls = Array.isArray(given) ? given.filter((v): v is string => typeof v === 'string') : [];
  const username = text('relay-user');
  const password = text('relay-password') ?? env[RELAY_PASSWORD_ENV];
  const caFile = text('relay-ca');
  const brokers: RelayConfig[] = [];
  for (const url of urls) {
    if (!relayUrlText.safeParse(url).success) {
      errors.push(`--relay must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got "${url}"`);
      continue;
    }
    brokers.push({
      url: url.trim(),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(caFile === undefined ? {} : { caFile: path.resolve(caFile) }),
    });
  }
  if (urls.length === 0 && (username !== undefined || caFile !== undefined))
    errors.push('--relay-user and --relay-ca need a --relay URL');
  const directory = values['relay-directory'];
  if (brokers.length === 0 && typeof directory !== 'boolean') return undefined;
  return {
    ...(brokers.length === 0 ? {} : { brokers }),
    ...(typeof directory === 'boolean' ? { directory } : {}),
  };
}

function ipmsgOf(
  enabled: unknown,
  portText: string | undefined,
  encoding: string | undefined,
  errors: string[],
): IpmsgOverrides {
  const ipmsg: IpmsgOverrides = {};
  if (typeof enabled === 'boolean') ipmsg.enabled = enabled;
  if (portText !== undefined) {
    const port = parsePort(portText);
    if (port === undefined)
      errors.push(`--ipmsg-port must be a port number 1..65535, got "${portText}"`);
    else ipmsg.port = port;
  }
  if (encoding !== undefined) {
    const known = IPMSG_ENCODINGS.find((e) => e === encoding.toLowerCase());
    if (known === undefined)
      errors.push(
        `--ipmsg-encoding must be one of ${IPMSG_ENCODINGS.join(', ')}, got "${encoding}"`,
      );
    else ipmsg.encoding = known;
  }
  return ipmsg;
}

/** A nickname as the settings and every peer accept it; anything else is refused, not cleaned up. */
function nickOf(value: string | undefined, errors: string[]): string | undefined {
  if (value === undefined) return undefined;
  const parsed = settingsSchema.shape.nick.safeParse(value);
  if (parsed.success) return parsed.data;
  // JSON quoting shows control characters as \u0007, never raw on the terminal.
  errors.push(
    `--nick must be 1 to ${String(MAX_NICK_LENGTH)} characters without control characters, got ${JSON.stringify(value)}`,
  );
  return undefined;
}

function profileOf(
  name: string | undefined,
  dataDir: string | undefined,
  errors: string[],
): ProfileRequest {
  if (name !== undefined && dataDir !== undefined) {
    errors.push('give --profile NAME or --data-dir DIR, not both');
    return {};
  }
  if (dataDir !== undefined) return { dataDir: path.resolve(dataDir) };
  if (name === undefined) return {};
  if (isProfileName(name)) return { name };
  errors.push(`--profile must be ${PROFILE_NAME_RULE}, got "${name}"`);
  return {};
}
