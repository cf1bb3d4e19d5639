import { hostname } from 'node:os';
import { MAX_NICK_LENGTH } from '../../shared/protocol/constants';
import { cleanLabel, newNodeId } from '../net/index';
import {
  moveIdentityAside,
  readIdentityFile,
  writeIdentityFile,
  type Identity,
} from '../store/identity-file';
import type { Store } from '../store/store';
import type { Notice } from './notice';

/**
 * The host name, as the README promises and QQ-style LANs show machines; never the OS login name
 * (`root` on a server). The desktop app asks for a nickname on first start anyway.
 */
function defaultNick(): string {
  return hostname();
}

/**
 * The profile's identity: identity.json first; when it is missing, the copy in the database (a
 * profile from before the file existed, or a lost file); when both are missing, a new one. The
 * database keeps a copy, so either can be lost without changing who we are.
 */
export function loadIdentity(
  dir: string,
  store: Store,
  nick: string | undefined,
): { identity: Identity; notices: Notice[] } {
  const notices: Notice[] = [];
  const read = readIdentityFile(dir);
  let found = read.state === 'ok' ? read.identity : undefined;
  if (read.state === 'unreadable') {
    const movedTo = moveIdentityAside(dir);
    found = store.getIdentity();
    notices.push({
      code: found === undefined ? 'identity-reset' : 'identity-recovered',
      message:
        found === undefined
          ? `The identity file could not be read (${read.problem}) and was moved to ${movedTo}. This profile has a new node id; peers will see a new contact.`
          : `The identity file could not be read (${read.problem}) and was moved to ${movedTo}. The node id was recovered from the database.`,
    });
  }
  found ??= store.getIdentity();
  const chosen = nick === undefined ? undefined : cleanLabel(nick, MAX_NICK_LENGTH);
  const identity: Identity = {
    nodeId: found?.nodeId ?? newNodeId(),
    nick: chosen || found?.nick || cleanLabel(defaultNick(), MAX_NICK_LENGTH) || 'PacketChat user',
    status: found?.status ?? 'online',
  };
  saveIdentity(dir, store, identity, read.state === 'ok' ? read.identity : undefined);
  return { identity, notices };
}

/** Writes the identity file (when it changed) and the database's copy. */
export function saveIdentity(
  dir: string,
  store: Store,
  identity: Identity,
  previous?: Identity,
): void {
  const same =
    previous !== undefined &&
    previous.nodeId === identity.nodeId &&
    previous.nick === identity.nick &&
    previous.status === identity.status;
  if (!same) writeIdentityFile(dir, identity);
  const stored = store.getIdentity();
  if (
    stored?.nodeId !== identity.nodeId ||
    stored.nick !== identity.nick ||
    stored.status !== identity.status
  )
    store.saveIdentity(identity);
}
