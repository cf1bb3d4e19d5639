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
import { StoreError } from './errors';

/**
 * Who this profile is, in its own small file beside the database (owner-only, mode 0600), so
 * that losing or moving aside the database never changes the node id peers know us by. Written
 * atomically: a new file is written, synced and renamed over the old one.
 */
export const IDENTITY_FILE = 'identity.json';

export interface Identity {
  readonly nodeId: string;
  readonly nick: string;
  readonly status: PeerStatus;
}

const fileSchema = z.object({
  version: z.literal(1),
  nodeId: z.string().regex(/^[0-9a-f]{32}$/),
  nick: z.string().min(1).max(64),
  status: z.enum(PEER_STATUSES),
});

export type IdentityRead =
  | { readonly state: 'missing' }
  | { readonly state: 'ok'; readonly identity: Identity }
  | { readonly state: 'unreadable'; readonly problem: string };

export function readIdentityFile(dir: string): IdentityRead {
  const file = join(dir, IDENTITY_FILE);
  if (!existsSync(file)) return { state: 'missing' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { state: 'unreadable', problem: error instanceof Error ? error.message : String(error) };
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) return { state: 'unreadable', problem: 'unexpected content' };
  const { nodeId, nick, status } = result.data;
  return { state: 'ok', identity: { nodeId, nick, status } };
}

export function writeIdentityFile(dir: string, identity: Identity): void {
  const file = join(dir, IDENTITY_FILE);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const content = `${JSON.stringify({ version: 1, ...identity }, null, 2)}\n`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, content);
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
