// Why the node could not start, said the way a person at a terminal can act on it: which flag to
// use instead, never a raw `Error: bind EADDRINUSE …`.
import { CLIENT_PORT_ATTEMPTS } from '../../shared/protocol/constants';
import { BindError } from '../net/index';
import { StoreError } from '../store/errors';
import { DEFAULT_PROFILE } from '../store/profiles';
import type { CliOptions } from './args';
import type { Translate } from './i18n';
import { safeName } from './terminal-text';

function errnoOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function profileName(options: CliOptions): string {
  const { profile } = options;
  if ('dataDir' in profile) return profile.dataDir;
  return profile.name ?? DEFAULT_PROFILE;
}

export function startProblem(t: Translate, error: unknown, options: CliOptions): string {
  if (error instanceof BindError) {
    switch (error.code) {
      case 'server-port-in-use':
        return t('serverPortInUse', { port: options.serverPort });
      case 'no-free-client-port':
        return t('noClientPort', {
          from: options.clientPort,
          to: Math.min(65_535, options.clientPort + CLIENT_PORT_ATTEMPTS - 1),
        });
      case 'bind-failed':
        return t('bindFailed', { reason: safeName(errnoOf(error)) });
    }
  }
  if (error instanceof StoreError && error.code === 'profile-locked')
    return t('profileLocked', { profile: safeName(profileName(options)) });
  const reason = error instanceof Error ? error.message : String(error);
  return t('startFailed', { reason: safeName(reason) });
}
