import { parseNodeFlags, type IpmsgOverrides, type NodeOverrides } from '../app/flags';
import type { ProfileRequest } from '../store/profiles';

export interface LaunchOptions {
  readonly profile: ProfileRequest;
  readonly node: NodeOverrides;
  readonly ipmsg: IpmsgOverrides;
}

export class LaunchOptionError extends Error {
  override readonly name = 'LaunchOptionError';
  readonly code = 'bad-launch-option';
}

/**
 * The node flags of the desktop app (the same parser as the CLI: electron/app/flags.ts), read
 * among Electron's and Chromium's own switches. A bad flag stops the start with its reason.
 */
export function readLaunchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LaunchOptions {
  const { flags, errors } = parseNodeFlags(argv, env, { strict: false });
  const [first] = errors;
  if (first !== undefined) throw new LaunchOptionError(first);
  return { profile: flags.profile, node: flags.node, ipmsg: flags.ipmsg };
}
