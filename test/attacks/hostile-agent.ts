/**
 * Mallory: a child process that attacks on command (one JSON command per stdin line, one JSON
 * answer per stdout line; see hostile-host.ts for the typed side). It runs on loopback or inside
 * a network namespace (`ip netns exec`), so floods never share an event loop with the victim or
 * with the test that measures it. Every command is bounded in count and time.
 *
 * Usage: node --import tsx hostile-agent.ts
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../../shared/address';
import { encodePacket } from '../../shared/protocol/codec';
import type { HandshakePayload } from '../../shared/protocol/packets';
import { handshakeInit, HostilePeer, innerPacket } from './hostile-peer';
import type { AgentCommand, AgentReply, DatagramKind, FloodResult } from './agent-protocol';

const MAX_COUNT = 1_000_000;
const MAX_DURATION_MS = 60_000;
const TICK_MS = 5;

const write = (reply: AgentReply): void => {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
};

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const randomInt = (below: number): number => Math.floor(Math.random() * below);

/** What came back to our sockets, by first byte (v2 type) or `other`. */
const received: Record<string, number> = {};
function countReceived(bytes: Buffer): void {
  const first = bytes[0] ?? 0;
  const kind =
    first === 0xf8
      ? 'init'
      : first === 0xf9
        ? 'resp'
        : first === 0xfa
          ? 'final'
          : first === 0xfb
            ? 'record'
            : first === 0x7b
              ? 'json'
              : 'other';
  received[kind] = (received[kind] ?? 0) + 1;
}

const udpSockets: Socket[] = [];
/** Sockets bound to a chosen port, reused by later commands (spoofing rules key on the port). */
const byPort = new Map<string, Socket>();
async function udpSocket(address: string | undefined, port = 0): Promise<Socket> {
  const key = `${address ?? ''}:${port}`;
  const known = port === 0 ? undefined : byPort.get(key);
  if (known !== undefined) return known;
  const socket = createSocket('udp4');
  socket.on('message', countReceived);
  socket.on('error', () => undefined); // ICMP unreachable and the like: floods go on
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setSendBufferSize(4 * 1024 * 1024);
  udpSockets.push(socket);
  if (port !== 0) byPort.set(key, socket);
  return socket;
}

/**
 * Real INITs (each with its own fresh ephemeral key), made once: making one costs two X25519 key
 * generations, which would make mallory's CPU, not bob's, the bottleneck of a flood. The victim
 * cannot tell a repeat (it keeps no state for an INIT it answered; WireGuard's cookies are what
 * would), so each one costs it a full DH all the same.
 */
const initPool: Buffer[] = Array.from({ length: 512 }, () => Buffer.from(handshakeInit()));

function sealedLooking(): Buffer {
  const bytes = randomBytes(1 + randomInt(1_200));
  bytes[0] = 0xf8 + randomInt(5);
  return bytes;
}

/** One datagram of the given kind; `serial` numbers them. */
function datagram(kind: DatagramKind, serial: number, raw: readonly Buffer[]): Buffer {
  switch (kind) {
    case 'sealed-random':
      return sealedLooking();
    case 'init':
      return initPool[serial % initPool.length] ?? Buffer.alloc(1);
    case 'announce-invented':
      return Buffer.from(
        encodePacket({ kind: 'announce', from: hex(16), port: 1 + randomInt(65_535), tcp: 0 }),
      );
    case 'stranger-text':
      return Buffer.from(`hello from a stranger, line ${serial}\n`);
    case 'frag-clear':
      // Fragments in the clear, as protocol v1 sent them: each would open a partial message.
      return Buffer.from(
        innerPacket({
          kind: 'frag',
          from: hex(16),
          id: hex(6),
          epoch: hex(6),
          seq: 1,
          floor: 1,
          ts: Date.now(),
          index: 0,
          count: 256,
          data: 'x'.repeat(900),
        }),
      );
    case 'frag-sealed-random': {
      // A record-shaped datagram of a fragment's size under a random index: cannot open.
      const bytes = randomBytes(1_100);
      bytes[0] = 0xfb;
      return bytes;
    }
    case 'raw':
      return raw[serial % Math.max(1, raw.length)] ?? Buffer.alloc(1);
  }
}

async function udpFlood(
  command: Extract<AgentCommand, { cmd: 'udp-flood' }>,
): Promise<FloodResult> {
  const count = Math.min(MAX_COUNT, command.count);
  const durationMs = Math.min(MAX_DURATION_MS, command.durationMs);
  const sockets: Socket[] = [];
  const sources = Math.max(1, Math.min(5_000, command.sourcePorts ?? 1));
  for (let i = 0; i < sources; i += 1) {
    const port = command.sourcePortBase === undefined ? 0 : command.sourcePortBase + i;
    sockets.push(await udpSocket(command.bindAddress, port));
  }
  const raw = (command.raw ?? []).map((b) => Buffer.from(b, 'base64'));
  const started = Date.now();
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = Date.now() - started;
      const due = Math.min(
        count,
        Math.ceil((count * (elapsed + TICK_MS)) / Math.max(1, durationMs)),
      );
      while (sent + failed < due && inFlight < 20_000) {
        const serial = sent + failed;
        const socket = sockets[serial % sockets.length];
        const to = command.to[serial % command.to.length];
        if (socket === undefined || to === undefined) break;
        inFlight += 1;
        sent += 1;
        socket.send(datagram(command.kind, serial, raw), to.port, to.address, (error) => {
          inFlight -= 1;
          if (error) {
            sent -= 1;
            failed += 1;
          }
        });
      }
      if (sent + failed >= count || elapsed > 2 * durationMs + 5_000) {
        const wait = (): void => {
          if (inFlight === 0) resolve();
          else setTimeout(wait, TICK_MS);
        };
        wait();
        return;
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  return { sent, failed, ms: Date.now() - started };
}

const tcpSockets = new Set<TcpSocket>();
const tcpStats = { opened: 0, refused: 0, closedByPeer: 0 };

function tcpConnect(to: Endpoint, bindAddress?: string): Promise<TcpSocket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({
      host: to.address,
      port: to.port,
      ...(bindAddress === undefined ? {} : { localAddress: bindAddress }),
    });
    let settled = false;
    socket.on('error', () => {
      if (!settled) {
        settled = true;
        tcpStats.refused += 1;
        resolve(undefined);
      }
    });
    socket.on('data', () => undefined); // read and forget whatever the victim says
    socket.once('connect', () => {
      settled = true;
      tcpStats.opened += 1;
      tcpSockets.add(socket);
      socket.once('close', () => {
        if (tcpSockets.delete(socket)) tcpStats.closedByPeer += 1;
      });
      resolve(socket);
    });
  });
}

function frame(payload: Buffer, declaredLength = payload.byteLength): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(declaredLength, 0);
  return Buffer.concat([header, payload]);
}

/** Sends frames from `next()` on one connection at a time, reconnecting when the victim closes it. */
async function tcpStream(
  to: Endpoint,
  durationMs: number,
  maxFrames: number,
  next: (serial: number) => Buffer,
  bindAddress?: string,
): Promise<{ frames: number; bytes: number; connections: number }> {
  const deadline = Date.now() + Math.min(MAX_DURATION_MS, durationMs);
  let frames = 0;
  let bytes = 0;
  let connections = 0;
  while (Date.now() < deadline && frames < maxFrames) {
    const socket = await tcpConnect(to, bindAddress);
    if (socket === undefined) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    connections += 1;
    while (!socket.destroyed && Date.now() < deadline && frames < maxFrames) {
      const data = next(frames);
      frames += 1;
      bytes += data.byteLength;
      const drained = socket.write(data);
      if (!drained)
        await new Promise<void>((resolve) => {
          const done = (): void => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.once('drain', done);
          socket.once('close', done);
        });
      else await new Promise((r) => setImmediate(r));
    }
    tcpSockets.delete(socket);
    socket.destroy();
  }
  return { frames, bytes, connections };
}

async function identities(
  command: Extract<AgentCommand, { cmd: 'identities' }>,
): Promise<{ completed: number; failed: number; ids: string[] }> {
  let completed = 0;
  let failed = 0;
  const ids: string[] = [];
  const count = Math.min(1_000, command.count);
  for (let i = 0; i < count; i += 1) {
    const socket = await udpSocket(command.bindAddress);
    const peer = new HostilePeer(socket);
    const payload: HandshakePayload = {
      nick: command.nick ?? `mallory-${i}`,
      host: 'mallory',
      port: socket.address().port,
      tcp: 0,
      status: 'online',
    };
    try {
      await peer.handshake(command.to, payload, 2_000);
      completed += 1;
      ids.push(peer.id);
    } catch {
      failed += 1;
    }
  }
  return { completed, failed, ids };
}

async function run(command: AgentCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'udp-flood':
      return udpFlood(command);
    case 'listen': {
      await udpSocket(command.address, command.port);
      return { listening: true };
    }
    case 'received':
      return { ...received };
    case 'tcp-silent': {
      const count = Math.min(1_000, command.count);
      for (let i = 0; i < count; i += 1) await tcpConnect(command.to, command.bindAddress);
      return { ...tcpStats, open: tcpSockets.size };
    }
    case 'tcp-state':
      return { ...tcpStats, open: tcpSockets.size };
    case 'tcp-garbage': {
      const size = Math.min(512 * 1024, command.frameBytes);
      const garbage = randomBytes(size);
      // Random first bytes, and the two a screen must look past: a record and a handshake.
      const starts = [garbage[0] ?? 0, 0xfb, 0xf8];
      return tcpStream(
        command.to,
        command.durationMs,
        MAX_COUNT,
        (serial) => {
          garbage[0] = starts[serial % starts.length] ?? 0;
          return frame(garbage);
        },
        command.bindAddress,
      );
    }
    case 'tcp-text-flood': {
      const count = Math.min(MAX_COUNT, command.count);
      return tcpStream(
        command.to,
        command.durationMs,
        count,
        (serial) => {
          // A text under a new invented id each time: in the clear, v1-style and v2-style.
          const fields = {
            kind: 'text',
            from: hex(16),
            id: hex(6),
            epoch: hex(6),
            seq: 1,
            floor: 1,
            ts: Date.now(),
            text: `spam ${serial}`,
          };
          if (serial % 3 === 0) return frame(Buffer.from(innerPacket(fields)));
          if (serial % 3 === 1) {
            const record = randomBytes(200);
            record[0] = 0xfb; // sealed-looking, random index
            return frame(record);
          }
          return frame(Buffer.from(JSON.stringify({ proto: 'pchat', v: 1, ...fields })));
        },
        command.bindAddress,
      );
    }
    case 'identities':
      return identities(command);
    case 'close-all': {
      for (const socket of tcpSockets) socket.destroy();
      tcpSockets.clear();
      byPort.clear();
      await Promise.all(
        udpSockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      return { closed: true };
    }
  }
}

const lines = createInterface({ input: process.stdin, terminal: false });
lines.on('line', (line) => {
  let command: AgentCommand;
  try {
    command = JSON.parse(line) as AgentCommand;
  } catch {
    write({ id: -1, ok: false, error: `not JSON: ${line.slice(0, 80)}` });
    return;
  }
  run(command).then(
    (result) => write({ id: command.id, ok: true, result }),
    (error: unknown) => write({ id: command.id, ok: false, error: String(error) }),
  );
});
lines.once('close', () => process.exit(0));
write({ id: 0, ok: true, result: { ready: true, pid: process.pid } });
