import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newNodeId } from '../net/node-options';

export interface StoredIdentity {
  readonly nodeId: string;
  readonly nick?: string;
}

/**
 * Keeps the node id in `<dataDir>/identity.json` so it survives restarts. A file that is not a
 * valid identity is moved aside (never deleted) and a new identity is made.
 */
export async function loadIdentity(
  dataDir: string,
): Promise<{ identity: StoredIdentity; warning?: string }> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'identity.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return { identity: await saveIdentity(dataDir, { nodeId: newNodeId() }) };
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'nodeId' in parsed &&
      typeof parsed.nodeId === 'string' &&
      /^[0-9a-f]{32}$/.test(parsed.nodeId)
    ) {
      const nick = 'nick' in parsed && typeof parsed.nick === 'string' ? parsed.nick : undefined;
      return {
        identity: nick === undefined ? { nodeId: parsed.nodeId } : { nodeId: parsed.nodeId, nick },
      };
    }
  } catch {
    // fall through: unreadable JSON is handled like any other invalid identity
  }
  const aside = `${file}.corrupt-${Date.now()}`;
  await rename(file, aside);
  return {
    identity: await saveIdentity(dataDir, { nodeId: newNodeId() }),
    warning: `identity file was invalid; moved to ${aside} and started a new identity`,
  };
}

export async function saveIdentity(
  dataDir: string,
  identity: StoredIdentity,
): Promise<StoredIdentity> {
  const file = join(dataDir, 'identity.json');
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify(identity, null, 2)}\n`, 'utf8');
  await rename(temp, file);
  return identity;
}
