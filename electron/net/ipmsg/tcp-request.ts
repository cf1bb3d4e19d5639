// Reads the one request a file connection starts with: an IPMsg packet whose extra part is
// `packetNo:fileId:offset` (GETFILEDATA) or `packetNo:fileId` (GETDIRFILES), in hex. Clients end
// it differently: iptux with a NUL, IP Messenger with a ':' and nothing else, some with neither;
// so a request is complete at a NUL, at enough colons, or after a short pause once it can parse.
import type { Socket } from 'node:net';
import { parsePacket, type IpmsgPacket } from './codec';
import { Command } from './constants';

const GRACE_MS = 150;

export function readRequest(
  socket: Socket,
  timeoutMs: number,
  maxBytes: number,
): Promise<IpmsgPacket | undefined> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let grace: ReturnType<typeof setTimeout> | undefined;
    const finish = (packet: IpmsgPacket | undefined): void => {
      clearTimeout(deadline);
      clearTimeout(grace);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve(packet);
    };
    const attempt = (): void => finish(parseRequest(buffer));
    const onEnd = (): void => attempt();
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.byteLength > maxBytes) {
        finish(undefined);
        return;
      }
      clearTimeout(grace);
      const state = completeness(buffer);
      if (state === 'complete') {
        attempt();
        return;
      }
      if (state === 'maybe') grace = setTimeout(attempt, GRACE_MS);
    };
    const deadline = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
  });
}

function parseRequest(buffer: Buffer): IpmsgPacket | undefined {
  const nul = buffer.indexOf(0);
  const result = parsePacket(nul === -1 ? buffer : buffer.subarray(0, nul));
  return result.ok ? result.packet : undefined;
}

function completeness(buffer: Buffer): 'complete' | 'maybe' | 'no' {
  const colons: number[] = [];
  for (let i = 0; i < buffer.byteLength; i += 1) if (buffer[i] === 0x3a) colons.push(i);
  if (colons.length < 5) return 'no';
  if (buffer.includes(0)) return 'complete';
  const result = parsePacket(buffer);
  const needed = result.ok && (result.packet.mode & 0xff) === Command.GETDIRFILES ? 2 : 3;
  const fields = colons.length - 5;
  if (fields >= needed) return 'complete';
  return fields === needed - 1 && buffer[buffer.byteLength - 1] !== 0x3a ? 'maybe' : 'no';
}
