import { z } from 'zod';
import type { DeliveryUpdate, PeerChange, PeerInfo, ReceivedMessage } from '../../shared/domain';
import type { NodeInfo, NodeWarning } from '../net/node';
import type { Stranger } from '../net/strangers';

/** Commands accepted on stdin in --json mode, one JSON object per line. */
export const commandSchema = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('send'), to: z.string().min(1).max(64), text: z.string().min(1) }),
  z.object({ cmd: z.literal('peers') }),
  z.object({ cmd: z.literal('add'), address: z.string().min(1).max(32) }),
  z.object({ cmd: z.literal('info') }),
  z.object({ cmd: z.literal('retry'), id: z.string().min(1).max(64) }),
  z.object({ cmd: z.literal('packets'), limit: z.number().int().min(1).max(5_000).optional() }),
  z.object({ cmd: z.literal('sockets') }),
  z.object({
    cmd: z.literal('history'),
    with: z.string().min(1).max(80),
    limit: z.number().int().min(1).max(500).default(50),
    before: z.string().max(64).optional(),
  }),
  z.object({
    cmd: z.literal('search'),
    query: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(200).default(20),
  }),
  z.object({ cmd: z.literal('read'), with: z.string().min(1).max(80) }),
  z.object({ cmd: z.literal('nick'), nick: z.string().min(1).max(32) }),
  z.object({ cmd: z.literal('quit') }),
]);
export type Command = z.infer<typeof commandSchema>;

export type ParsedCommand = { ok: true; command: Command } | { ok: false; message: string };

export function parseCommand(line: string): ParsedCommand {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, message: `not JSON: ${line.slice(0, 80)}` };
  }
  const result = commandSchema.safeParse(json);
  if (result.success) return { ok: true, command: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` (${issue.path.join('.')})`;
  return { ok: false, message: `bad command${where}: ${issue?.message ?? 'invalid'}` };
}

export function peerJson(peer: PeerInfo) {
  return {
    id: peer.id,
    nick: peer.nick,
    host: peer.host,
    address: peer.address,
    port: peer.port,
    tcpPort: peer.tcpPort,
    status: peer.status,
    online: peer.online,
    lastSeen: peer.lastSeen,
  };
}

export function readyEvent(info: NodeInfo) {
  return {
    type: 'ready',
    nodeId: info.nodeId,
    nick: info.nick,
    host: info.host,
    serverPort: info.serverPort,
    clientPort: info.clientPort,
    tcpPort: info.tcpPort,
    addresses: info.interfaces.map((i) => i.address),
    discoveryTargets: info.discoveryTargets,
  };
}

export function peerEvent(change: PeerChange) {
  return {
    type: 'peer',
    change: change.change,
    peer: peerJson(change.peer),
    ...(change.previous === undefined ? {} : { previous: change.previous }),
  };
}

export function messageEvent(message: ReceivedMessage) {
  return { type: 'message', message };
}

export function statusEvent(update: DeliveryUpdate) {
  return { type: 'status', ...update };
}

export function warningEvent(warning: NodeWarning) {
  return { type: 'warning', ...warning };
}

export function strangerEvent(stranger: Stranger) {
  return { type: 'stranger', stranger };
}

export function errorEvent(message: string, code?: string) {
  return { type: 'error', message, ...(code === undefined ? {} : { code }) };
}
