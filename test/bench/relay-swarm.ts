/**
 * Worker side of the relay benchmark: many simulated nodes in one process, each the node's own
 * relay client (electron/net/relay/relay.ts: MQTT.js with a persistent session, the retained
 * presence and its will, a directory entry, its inbox, and the presence of its contacts) without
 * the rest of a node; or, as the baseline, bare MQTT.js clients doing the same MQTT work.
 */
import { connect, type MqttClient } from 'mqtt';
import { emptyCounters } from '../../shared/domain';
import { relayTopics } from '../../shared/protocol/relay';
import { PacketLog } from '../../electron/net/packet-log';
import { Relay } from '../../electron/net/relay/relay';

export interface SwarmOptions {
  readonly url: string;
  /** Node ids of this worker's nodes. */
  readonly ids: readonly string[];
  /** Each node's contacts (whose presence it watches), by node id. */
  readonly contacts: Readonly<Record<string, readonly string[]>>;
  /** `relay`: the node's relay client; `raw`: bare MQTT.js doing the same publishes. */
  readonly mode: 'relay' | 'raw';
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
  const relay = new Relay({
    nodeId: id,
    publicKey: '0'.repeat(64),
    options: { brokers: [{ url }], directory: false },
    counters: emptyCounters(),
    log: new PacketLog(8),
    now: Date.now,
    random: Math.random,
    rateLimit: { perSecond: 400, burst: 800 },
    nick: () => 'sim',
    keyInfo: () => undefined,
    inbound: () => undefined,
    presence: (peer, online) => {
      if (online) node.online.add(peer);
      else node.online.delete(peer);
      check();
    },
    directoryEntry: () => undefined,
    stateChanged: (statuses) => {
      node.connected = statuses[0]?.state === 'connected';
      check();
    },
    logged: () => undefined,
    warn: () => undefined,
  });
  relay.watch(contacts);
  relay.start();
  return node;
}

/** As the relay client does (electron/net/relay/relay-connection.ts): no Nagle delay. */
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
        o.mode === 'relay' ? relayNode(o.url, id, contacts) : rawNode(o.url, id, contacts),
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
