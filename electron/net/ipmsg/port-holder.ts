// Who holds port 2425 when we cannot bind it. Another PacketChat copy answers GETINFO on the
// loopback address with its SENDINFO text (it says which copy); any other program (iptux, FeiQ
// under Wine, …) may be named by the OS: on Linux, /proc maps the socket to a process.
import { createSocket } from 'node:dgram';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { parsePacket } from './codec';
import { Command } from './constants';

const MAX_PROCESSES = 4096;

export interface Holder {
  readonly packetChat?: string;
  readonly process?: { readonly pid: number; readonly command: string };
}

export async function findHolder(
  port: number,
  getInfo: Uint8Array,
  timeoutMs: number,
): Promise<Holder> {
  const [packetChat, process] = await Promise.all([
    askPacketChat(port, getInfo, timeoutMs).catch(() => undefined),
    processHolding(port).catch(() => undefined),
  ]);
  return {
    ...(packetChat === undefined ? {} : { packetChat }),
    ...(process === undefined ? {} : { process }),
  };
}

/** SENDINFO from 127.0.0.1:port, when a PacketChat copy holds the port. */
function askPacketChat(
  port: number,
  getInfo: Uint8Array,
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (answer: string | undefined): void => {
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(answer);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', () => finish(undefined));
    socket.on('message', (bytes, rinfo) => {
      if (rinfo.port !== port) return;
      const result = parsePacket(bytes);
      if (result.ok && result.packet.mode === Command.SENDINFO) {
        finish(new TextDecoder().decode(result.packet.body));
      }
    });
    socket.bind(0, '127.0.0.1', () => socket.send(getInfo, port, '127.0.0.1'));
  });
}

/** The process whose UDP socket is bound to `port` (Linux only; same user or root). */
async function processHolding(port: number): Promise<{ pid: number; command: string } | undefined> {
  if (process.platform !== 'linux') return undefined;
  const table = await readFile('/proc/net/udp', 'utf8');
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns[1]?.endsWith(`:${hexPort}`) === true && columns[9] !== undefined)
      inodes.add(columns[9]);
  }
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc'))
    .filter((name) => /^\d+$/.test(name))
    .slice(0, MAX_PROCESSES);
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        const command = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}
