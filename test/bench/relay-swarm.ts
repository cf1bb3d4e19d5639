/**
 * Worker side of the relay benchmark: many simulated nodes in one process. `packet` (the default
 * of the bench): each node is one TCP socket speaking MQTT 5 with mqtt-packet, doing on the wire
 * what a node's relay client does (a persistent session, the retained offline will with its
 * delay, the retained online presence and directory entry, its inbox and its contacts' presence
 * subscribed, QoS 1 acknowledged), at a fraction of MQTT.js's cost per client; `relay`: each node
 * is the node's own relay client (electron/net/relay/relay.ts) without the rest of a node; `raw`:
 * bare MQTT.js clients doing the same MQTT work.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { emptyCounters } from '../../shared/domain';
import { encodeRelayNotice, RELAY_WILL_DELAY_S, relayTopics } from '../../shared/protocol/relay';
import { PacketLog } from '../../electron/net/packet-log';
import { Relay } from '../../electron/net/relay/relay';

export interface SwarmOptions {
  readonly url: string;
  /** Node ids of this worker's nodes. */
  readonly ids: readonly string[];
  /** Each node's contacts (whose presence it watches), by node id. */
  readonly contacts: Readonly<Record<string, readonly string[]>>;
  /**
   * `packet`: raw MQTT 5 over a socket (mqtt-packet); `relay`: the node's relay client; `raw`:
   * bare MQTT.js doing the same publishes.
   */
  readonly mode: 'packet' | 'relay' | 'raw';
  /** New connections per 10 ms tick (a listen backlog is finite). */
  readonly perTick: number;
}

interface SimNode {
  readonly id: string;
  readonly contacts: ReadonlySet<string>;
  readonly online: Set<string>;
  connected: boolean;
  close(): Promise<void>;
}

let swarm: SimNode[] = [];
/** How many nodes this worker runs: nobody is done before all of them exist. */
let expected = 0;
let doneAt: number | undefined;
let resolveDone: ((at: number) => void) | undefined;

function check(): void {
  if (doneAt !== undefined || swarm.length < expected) return;
  for (const node of swarm) {
    if (!node.connected || node.online.size < node.contacts.size) return;
  }
  doneAt = Date.now();
  resolveDone?.(doneAt);
}

function relayNode(url: string, id: string, contacts: readonly string[]): SimNode {
  const node: SimNode = {
    id,
    contacts: new Set(contacts),
    online: new Set(),
    connected: false,
    close: () => relay.close(),
  };
  const relay = benchRelay(url, id, 'sim', {
    presence: (peer, online) => {
      if (online) node.online.add(peer);
      else node.online.delete(peer);
      check();
    },
    stateChanged: (statuses) => {
      node.connected = statuses[0]?.state === 'connected';
      check();
    },
  });
  relay.watch(contacts);
  relay.start();
  return node;
}

/** As the relay client does (electron/net/relay/relay-connection.ts): no Nagle delay. */
/**
 * A relay client for the bench: one broker, no directory, nothing logged; only what it reports
 * of presence and its connection goes to `on`.
 */
export function benchRelay(
  url: string,
  nodeId: string,
  nick: string,
  on: {
    presence: ConstructorParameters<typeof Relay>[0]['presence'];
    stateChanged?: ConstructorParameters<typeof Relay>[0]['stateChanged'];
  },
): Relay {
  return new Relay({
    nodeId,
    publicKey: '0'.repeat(64),
    options: { brokers: [{ url }], directory: false },
    counters: emptyCounters(),
    log: new PacketLog(8),
    now: Date.now,
    random: Math.random,
    rateLimit: { perSecond: 400, burst: 800 },
    nick: () => nick,
    keyInfo: () => undefined,
    inbound: () => undefined,
    presence: on.presence,
    directoryEntry: () => undefined,
    stateChanged: on.stateChanged ?? (() => undefined),
    logged: () => undefined,
    warn: () => undefined,
  });
}

export function noDelay(client: MqttClient): void {
  (client.stream as { setNoDelay?: (on: boolean) => unknown }).setNoDelay?.(true);
}

/** The same MQTT work without PacketChat: connect with the will, publish, subscribe. */
function rawNode(url: string, id: string, contacts: readonly string[]): SimNode {
  const presence = (state: string) =>
    JSON.stringify({ proto: 'pchat', v: 2, kind: 'presence', from: id, state });
  const client: MqttClient = connect(url, {
    protocolVersion: 5,
    clientId: `raw${id.slice(3)}`,
    clean: false,
    reconnectPeriod: 1_000,
    properties: { sessionExpiryInterval: 3_600 },
    will: {
      topic: `raw/${id}`,
      payload: Buffer.from(presence('offline')),
      qos: 1,
      retain: true,
      properties: { willDelayInterval: 10 },
    },
  });
  const node: SimNode = {
    id,
    contacts: new Set(contacts),
    online: new Set(),
    connected: false,
    close: () => client.endAsync(true).then(() => undefined),
  };
  let subscribed = false; // until the broker acknowledged, as the relay client does
  client.on('connect', (connack) => {
    noDelay(client);
    node.connected = true;
    void client.publishAsync(`raw/${id}`, presence('online'), { qos: 1, retain: true });
    if (!subscribed || !connack.sessionPresent) {
      const inbox = relayTopics.inboxFilter(id).replace('pchat/v2', 'raw');
      client.subscribe([inbox, ...contacts.map((c) => `raw/${c}`)], { qos: 1 }, (error) => {
        if (error === null) subscribed = true;
      });
    }
    check();
  });
  client.on('close', () => {
    node.connected = false;
  });
  client.on('message', (topic, payload) => {
    const peer = topic.slice('raw/'.length);
    if (payload.toString().includes('"online"')) node.online.add(peer);
    else node.online.delete(peer);
    check();
  });
  return node;
}

/**
 * A simulated node as bytes on a socket: CONNECT (MQTT 5, clean start off, a session expiry, the
 * retained `offline` will with the relay's will delay), then the retained `online` presence and
 * directory entry (QoS 1) and SUBSCRIBE to its inbox and its contacts' presence; every QoS 1
 * message it gets is acknowledged. After a lost connection it reconnects after 0.5-1.5 s.
 */
function packetNode(url: string, id: string, contacts: readonly string[]): SimNode {
  const { hostname, port } = new URL(url);
  const generate = (packet: mqttPacket.Packet): Buffer =>
    mqttPacket.generate(packet, { protocolVersion: 5 });
  const presence = (state: 'online' | 'offline'): Buffer =>
    Buffer.from(encodeRelayNotice({ proto: 'pchat', v: 2, kind: 'presence', from: id, state }));
  const directory = Buffer.from(
    encodeRelayNotice({
      proto: 'pchat',
      v: 2,
      kind: 'directory',
      from: id,
      nick: 'sim',
      key: '0'.repeat(64),
    }),
  );
  let socket: Socket | undefined;
  let closed = false;
  let nextId = 1;
  let ping: ReturnType<typeof setInterval> | undefined;
  const messageId = (): number => {
    nextId = nextId >= 65_535 ? 1 : nextId + 1;
    return nextId;
  };
  const node: SimNode = {
    id,
    contacts: new Set(contacts),
    online: new Set(),
    connected: false,
    close: () => {
      closed = true;
      clearInterval(ping);
      const s = socket;
      if (s === undefined || s.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        s.end(generate({ cmd: 'disconnect' }), () => resolve());
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 1_000).unref();
      });
    },
  };
  const open = (): void => {
    const s = netConnect({ host: hostname, port: Number(port) });
    socket = s;
    s.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const send = (packet: mqttPacket.Packet): void => {
      if (!s.destroyed) s.write(generate(packet));
    };
    s.on('connect', () => {
      send({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clientId: id,
        clean: false,
        keepalive: 60,
        properties: { sessionExpiryInterval: 3_600 },
        will: {
          topic: relayTopics.presence(id),
          payload: presence('offline'),
          qos: 1,
          retain: true,
          properties: { willDelayInterval: RELAY_WILL_DELAY_S },
        },
      });
      ping = setInterval(() => send({ cmd: 'pingreq' }), 30_000);
    });
    s.on('data', (chunk: Buffer) => parser.parse(chunk));
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') {
        if ((packet.reasonCode ?? 0) !== 0) {
          s.destroy();
          return;
        }
        node.connected = true;
        const retained = { cmd: 'publish', qos: 1, dup: false, retain: true } as const;
        send({
          ...retained,
          topic: relayTopics.presence(id),
          payload: presence('online'),
          messageId: messageId(),
        });
        send({
          ...retained,
          topic: relayTopics.directory(id),
          payload: directory,
          messageId: messageId(),
        });
        if (!packet.sessionPresent)
          send({
            cmd: 'subscribe',
            messageId: messageId(),
            subscriptions: [
              relayTopics.inboxFilter(id),
              ...contacts.map((c) => relayTopics.presence(c)),
            ].map((topic) => ({ topic, qos: 1 as const })),
          });
        check();
      } else if (packet.cmd === 'publish') {
        if (packet.qos === 1 && packet.messageId !== undefined)
          send({ cmd: 'puback', messageId: packet.messageId });
        const topic = packet.topic;
        const peer = topic.slice(topic.lastIndexOf('/') + 1);
        if (!topic.startsWith(relayTopics.presence(''))) return;
        const payload = Buffer.isBuffer(packet.payload)
          ? packet.payload
          : Buffer.from(packet.payload);
        if (payload.includes('"online"')) node.online.add(peer);
        else node.online.delete(peer);
        check();
      }
    });
    parser.on('error', () => s.destroy());
    s.on('error', () => undefined);
    s.on('close', () => {
      node.connected = false;
      clearInterval(ping);
      if (!closed) setTimeout(open, 500 + Math.random() * 1_000);
    });
  };
  open();
  return node;
}

/** Starts the nodes, paced; resolves with Date.now() when every node sees all its contacts. */
export async function swarmStart(o: SwarmOptions): Promise<{ doneAt: number; started: number }> {
  const started = Date.now();
  doneAt = undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  swarm = [];
  expected = o.ids.length;
  for (let i = 0; i < o.ids.length; i += o.perTick) {
    for (const id of o.ids.slice(i, i + o.perTick)) {
      const contacts = o.contacts[id] ?? [];
      swarm.push(
        o.mode === 'relay'
          ? relayNode(o.url, id, contacts)
          : o.mode === 'raw'
            ? rawNode(o.url, id, contacts)
            : packetNode(o.url, id, contacts),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  check();
  return { doneAt: await done, started };
}

/** After a broker restart: resolves with Date.now() once every node is connected again and sees its contacts. */
export async function swarmBack(): Promise<{ doneAt: number }> {
  doneAt = undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  check();
  return { doneAt: await done };
}

/** Marks every node as not yet back (call right before restarting the broker). */
export function swarmForget(): boolean {
  for (const node of swarm) {
    node.connected = false;
    node.online.clear();
  }
  doneAt = Date.now(); // nothing waits until swarmBack()
  return true;
}

/** Progress, for the parent's report while it waits: how many nodes are connected and complete. */
export function swarmStatus(): {
  nodes: number;
  connected: number;
  complete: number;
  /** A few nodes still missing a contact, with what they miss. */
  sample: string[];
} {
  let connected = 0;
  let complete = 0;
  const sample: string[] = [];
  for (const node of swarm) {
    if (node.connected) connected += 1;
    const missing = [...node.contacts].filter((c) => !node.online.has(c));
    if (node.connected && missing.length === 0) complete += 1;
    else if (sample.length < 3)
      sample.push(
        `${node.id.slice(0, 10)} ${node.connected ? '' : 'offline '}misses ${missing.map((m) => m.slice(0, 10)).join(',')}`,
      );
  }
  return { nodes: swarm.length, connected, complete, sample };
}

export async function swarmStop(): Promise<boolean> {
  const all = swarm;
  swarm = [];
  for (let i = 0; i < all.length; i += 200)
    await Promise.all(all.slice(i, i + 200).map((n) => n.close()));
  return true;
}
