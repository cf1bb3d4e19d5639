import { hostname } from 'node:os';
import { MAX_NICK_LENGTH } from '../../shared/protocol/constants';
import { cleanLabel, generateIdentity, nodeIdOf, type CryptoProvider } from '../net/index';
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
 * The profile's identity from identity.json. A profile from protocol v1 (a random node id and no
 * key) gets a key pair now, and its old id becomes an alias that peers use to keep its history
 * together. When the file is missing or unreadable, a new key is made; the database's copy of the
 * old node id (if any) becomes an alias, and peers see a key change for that contact.
 */
export function loadIdentity(
  dir: string,
  store: Store,
  provider: CryptoProvider,
  nick: string | undefined,
): { identity: Identity; notices: Notice[] } {
  const notices: Notice[] = [];
  const read = readIdentityFile(dir, provider);
  const stored = store.getIdentity();
  const chosen = nick === undefined ? undefined : cleanLabel(nick, MAX_NICK_LENGTH);
  if (read.state === 'ok') {
    const identity = { ...read.identity, nick: chosen || read.identity.nick };
    saveIdentity(dir, store, identity, read.identity);
    return { identity, notices };
  }
  if (read.state === 'no-signing-key') {
    // A file from before groups: same node, and a signing key from now on (written at once).
    const identity = {
      ...read.identity,
      nick: chosen || read.identity.nick,
      signing: provider.generateSigningKeyPair(),
    };
    saveIdentity(dir, store, identity);
    return { identity, notices };
  }
  if (read.state === 'unreadable') {
    const movedTo = moveIdentityAside(dir);
    notices.push({
      code: 'identity-reset',
      message: `The identity file could not be read (${read.problem}) and was moved to ${movedTo}. This profile has a new key; peers will be told that its key changed.`,
    });
  }
  const previous = read.state === 'v1' ? read : stored;
  const keyPair = generateIdentity(provider);
  const nodeId = nodeIdOf(keyPair.publicKey, provider);
  const identity: Identity = {
    keyPair,
    signing: provider.generateSigningKeyPair(),
    nodeId,
    nick:
      chosen || previous?.nick || cleanLabel(defaultNick(), MAX_NICK_LENGTH) || 'PacketChat user',
    status: previous?.status ?? 'online',
    aliases: previous === undefined || previous.nodeId === nodeId ? [] : [previous.nodeId],
  };
  saveIdentity(dir, store, identity);
  return { identity, notices };
}

/** Writes the identity file (when it changed) and the database's copy of the id and nickname. */
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
