import { parseArgs } from 'node:util';
import { parsePort } from '../shared/address';

export interface PortOverrides {
  serverPort?: number;
  clientPort?: number;
}

export class LaunchOptionError extends Error {
  override readonly name = 'LaunchOptionError';
  readonly code = 'bad-launch-option';
}

const PORT_SOURCES = [
  { key: 'serverPort', flag: 'server-port', env: 'PACKET_CHAT_SERVER_PORT' },
  { key: 'clientPort', flag: 'client-port', env: 'PACKET_CHAT_CLIENT_PORT' },
] as const;

/**
 * `--server-port N` / `--client-port N` (or `=N`), else PACKET_CHAT_SERVER_PORT /
 * PACKET_CHAT_CLIENT_PORT. Not strict: Electron and Chromium switches share the same argv.
 */
export function readPortOverrides(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): PortOverrides {
  const { values } = parseArgs({
    args: [...argv],
    strict: false,
    options: { 'server-port': { type: 'string' }, 'client-port': { type: 'string' } },
  });
  const overrides: PortOverrides = {};
  for (const { key, flag, env: name } of PORT_SOURCES) {
    const raw = values[flag] ?? env[name];
    if (raw === undefined) continue;
    const port = typeof raw === 'string' ? parsePort(raw) : undefined;
    if (port === undefined) {
      throw new LaunchOptionError(`--${flag} (or ${name}) must be a port 1-65535`);
    }
    overrides[key] = port;
  }
  return overrides;
}
