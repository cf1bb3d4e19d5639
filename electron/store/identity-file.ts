import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PEER_STATUSES, type PeerStatus } from '../../shared/domain';
import {
  nodeIdOf,
  parseIdentity,
  parseSigningKey,
  serializeIdentity,
  serializeSigningKey,
  type CryptoProvider,
  type KeyPair,
} from '../net/index';
import { StoreError } from './errors';

/**
 * Who this profile is, in its own small file beside the database (owner-only, mode 0600): the
 * long-term key pair of protocol v2 (never stored in the message database), the node id derived
 * from it, the nickname and status. Losing or moving aside the database never changes who we
 * are. Written atomically: a new file is written, synced and renamed over the old one.
 */
export const IDENTITY_FILE = 'identity.json';

export interface Identity {
  readonly keyPair: KeyPair;
  /** The Ed25519 key pair that signs group messages and membership changes. */
  readonly signing: KeyPair;
  readonly nodeId: string;
  readonly nick: string;
  readonly status: PeerStatus;
  /** Node ids this profile had before (its protocol v1 id), told to peers. */
  readonly aliases: readonly string[];
}

const nodeIdText = z.string().regex(/^[0-9a-f]{32}$/);
const common = {
  nodeId: nodeIdText,
  nick: z.string().min(1).max(64),
  status: z.enum(PEER_STATUSES),
};
/** Version 1 (before protocol v2): a random node id and no key. */
const v1Schema = z.object({ version: z.literal(1), ...common });
const v2Schema = z.object({
  version: z.literal(2),
  ...common,
  key: z.unknown(),
  /** Absent in files written before groups: the profile gets one at its next start. */
  signing: z.unknown().optional(),
  aliases: z.array(nodeIdText).max(4).default([]),
});

export type IdentityRead =
  | { readonly state: 'missing' }
  | { readonly state: 'ok'; readonly identity: Identity }
  /** A file from before groups: everything but the signing key, which is made now. */
  | { readonly state: 'no-signing-key'; readonly identity: Omit<Identity, 'signing'> }
  /** A profile from protocol v1: its id becomes an alias of a new key's id. */
  | {
      readonly state: 'v1';
      readonly nodeId: string;
      readonly nick: string;
      readonly status: PeerStatus;
    }
  | { readonly state: 'unreadable'; readonly problem: string };

export function readIdentityFile(dir: string, provider: CryptoProvider): IdentityRead {
  const file = join(dir, IDENTITY_FILE);
  if (!existsSync(file)) return { state: 'missing' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { state: 'unreadable', problem: error instanceof Error ? error.message : String(error) };
  }
  const v1 = v1Schema.safeParse(parsed);
  if (v1.success)
    return { state: 'v1', nodeId: v1.data.nodeId, nick: v1.data.nick, status: v1.data.status };
  const v2 = v2Schema.safeParse(parsed);
  if (!v2.success) return { state: 'unreadable', problem: 'unexpected content' };
  const key = parseIdentity(v2.data.key, provider);
  if (!key.ok) return { state: 'unreadable', problem: `key: ${key.message}` };
  const nodeId = nodeIdOf(key.keyPair.publicKey, provider);
  if (nodeId !== v2.data.nodeId)
    return { state: 'unreadable', problem: 'the node id is not the key’s' };
  const { nick, status, aliases } = v2.data;
  const identity = { keyPair: key.keyPair, nodeId, nick, status, aliases };
  if (v2.data.signing === undefined) return { state: 'no-signing-key', identity };
  const signing = parseSigningKey(v2.data.signing, provider);
  if (!signing.ok) return { state: 'unreadable', problem: `signing key: ${signing.message}` };
  return { state: 'ok', identity: { ...identity, signing: signing.keyPair } };
}

export function writeIdentityFile(dir: string, identity: Identity): void {
  const file = join(dir, IDENTITY_FILE);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const content = {
    version: 2,
    nodeId: identity.nodeId,
    nick: identity.nick,
    status: identity.status,
    aliases: identity.aliases,
    key: serializeIdentity(identity.keyPair),
    signing: serializeSigningKey(identity.signing),
  };
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError('unwritable', `Cannot write the identity file ${file} (${reason})`, {
      cause: error,
    });
  }
}

/** Moves an unreadable identity file aside (never deleted); returns where it went. */
export function moveIdentityAside(dir: string): string {
  const file = join(dir, IDENTITY_FILE);
  const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, target);
  return target;
}
