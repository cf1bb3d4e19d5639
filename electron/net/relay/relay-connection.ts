import { readFileSync } from 'node:fs';
import type { IClientOptions, IConnackPacket, MqttClient } from 'mqtt';
import type { RelayStatus, SocketInfo } from '../../../shared/domain';
import { reconnectDelay } from './backoff';

/** One broker as the settings and flags name it. */
export interface RelayConfig {
  /** `mqtt://host[:port]` or `mqtts://host[:port]` (a user and password may be in the URL). */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts), instead of the system's. */
  readonly caFile?: string;
}

/** Publish options the relay uses. */
export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain?: boolean;
  /** MQTT 5 message expiry: the broker drops the message when nobody took it by then. */
  readonly expirySeconds?: number;
}

export interface RelayConnectionDeps {
  readonly clientId: string;
  readonly config: RelayConfig;
  /** The retained last will (MQTT 5, with a will delay): what the broker says when we vanish. */
  readonly will: { topic: string; payload: Uint8Array; delaySeconds: number };
  readonly sessionExpirySeconds: number;
  readonly random: () => number;
  readonly now: () => number;
  /** Connected. `fresh`: the first connection of this process, or the broker lost our session. */
  connected(fresh: boolean): void;
  message(topic: string, payload: Buffer): void;
  stateChanged(status: RelayStatus): void;
}

const KEEPALIVE_S = 30;
const CONNECT_TIMEOUT_MS = 10_000;
/** Larger inbound packets are refused by the client (a sealed record is at most 512 KiB). */
const MAX_PACKET_BYTES = 1024 * 1024;
/** Topics per SUBSCRIBE packet (a node watching thousands of contacts sends several). */
const SUBSCRIBE_BATCH = 500;

/**
 * MQTT.js, loaded on the first connection: a node without a relay never reads or runs it (about
 * 4 MiB of the idle command-line node's memory, docs/BENCHMARKS.md "Idle CLI memory").
 */
let mqttModule: Promise<typeof import('mqtt')> | undefined;
function loadMqtt(): Promise<typeof import('mqtt')> {
  mqttModule ??= import('mqtt').catch((error: unknown) => {
    mqttModule = undefined; // the next attempt tries again
    throw error;
  });
  return mqttModule;
}

/** `host:port` of a broker URL, with the MQTT defaults (1883, 8883). */
export function brokerLabel(url: URL): string {
  const port = url.port === '' ? (url.protocol === 'mqtts:' ? '8883' : '1883') : url.port;
  return `${url.hostname}:${port}`;
}

/** Parses a relay URL; undefined unless it is mqtt:// or mqtts:// with a host. */
export function parseRelayUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') return undefined;
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/')) return undefined;
  return url;
}

/** The URL as shown: no user, no password. */
export function publicUrl(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * The connection to one broker with MQTT.js: a persistent session (clean start off, a session
 * expiry), the retained last will, and reconnection with jittered exponential back-off. Each
 * attempt is a new MQTT.js client with its own reconnection off, so the back-off is ours alone.
 * Subscriptions are kept here and sent again only when the broker has no session for us.
 */
export class RelayConnection {
  readonly url: URL | undefined;
  readonly broker: string;
  private client: MqttClient | undefined;
  /** True while MQTT.js is being loaded for the first connection attempt. */
  private loading = false;
  private status: RelayStatus;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private everConnected = false;
  /** Topics we want, with their QoS; `confirmed` are those the broker acknowledged. */
  private readonly wanted = new Map<string, 0 | 1>();
  private readonly confirmed = new Set<string>();

  constructor(private readonly deps: RelayConnectionDeps) {
    this.url = parseRelayUrl(deps.config.url);
    this.broker = this.url === undefined ? deps.config.url : brokerLabel(this.url);
    this.status = {
      broker: this.broker,
      url: this.url === undefined ? deps.config.url : publicUrl(this.url),
      state: 'offline',
      since: deps.now(),
      ...(this.url === undefined ? { error: 'not an mqtt:// or mqtts:// URL' } : {}),
    };
  }

  get connected(): boolean {
    return this.client?.connected === true && this.status.state === 'connected';
  }

  state(): RelayStatus {
    return this.status;
  }

  start(): void {
    if (this.url === undefined || this.closed || this.client !== undefined || this.loading) return;
    this.open(this.url);
  }

  /** Adds topics to the subscription; sent now when connected, else at the next connection. */
  subscribe(topics: Iterable<string>, qos: 0 | 1): void {
    const fresh: string[] = [];
    for (const topic of topics) {
      if (this.wanted.get(topic) === qos) continue;
      this.wanted.set(topic, qos);
      fresh.push(topic);
    }
    if (fresh.length > 0 && this.connected) this.sendSubscriptions(fresh);
  }

  unsubscribe(topics: Iterable<string>): void {
    const gone = [...topics].filter((t) => this.wanted.delete(t));
    for (const topic of gone) this.confirmed.delete(topic);
    if (gone.length > 0 && this.connected) this.client?.unsubscribe(gone);
  }

  /**
   * Publishes; resolves true once the broker took it (QoS 1: its PUBACK; QoS 0: written), false
   * when not connected or refused. Never rejects.
   */
  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<boolean> {
    const client = this.client;
    if (client === undefined || !this.connected) return Promise.resolve(false);
    return new Promise((resolve) => {
      client.publish(
        topic,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        {
          qos: options.qos,
          retain: options.retain ?? false,
          ...(options.expirySeconds === undefined
            ? {}
            : { properties: { messageExpiryInterval: options.expirySeconds } }),
        },
        // MQTT.js passes null (not undefined, as its types say) for success.
        (error) => resolve(!(error instanceof Error)),
      );
    });
  }

  socketInfo(): SocketInfo | undefined {
    const stream = this.client?.stream as
      { localAddress?: string; localPort?: number; readyState?: string } | undefined;
    const local =
      stream?.localAddress === undefined ? '' : `${stream.localAddress}:${stream.localPort ?? 0}`;
    return { role: 'relay', local, remote: this.broker, state: this.status.state };
  }

  /**
   * Runs `last` while still connected (the node publishes its offline presence there), then
   * disconnects cleanly, so the broker sends no will. Idempotent.
   */
  async close(last?: () => Promise<unknown>): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      if (this.loading) this.setState('offline'); // the load finds the connection closed
      return;
    }
    if (client.connected && last !== undefined) await last().catch(() => undefined);
    await new Promise<void>((resolve) => {
      client.end(!client.connected, {}, () => resolve());
    });
    this.setState('offline');
  }

  private open(url: URL): void {
    const { config, will } = this.deps;
    const username =
      config.username ?? (url.username === '' ? undefined : decodeURIComponent(url.username));
    const password =
      config.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
    let ca: Buffer | undefined;
    if (config.caFile !== undefined) {
      try {
        ca = readFileSync(config.caFile);
      } catch (error) {
        this.setState('offline', `cannot read the CA file ${config.caFile}: ${String(error)}`);
        this.retryLater();
        return;
      }
    }
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: this.deps.clientId,
      clean: false,
      keepalive: KEEPALIVE_S,
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      properties: {
        sessionExpiryInterval: this.deps.sessionExpirySeconds,
        maximumPacketSize: MAX_PACKET_BYTES,
      },
      will: {
        topic: will.topic,
        payload: Buffer.from(will.payload),
        qos: 1,
        retain: true,
        properties: { willDelayInterval: will.delaySeconds },
      },
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: true,
    };
    this.setState('connecting');
    this.loading = true;
    void loadMqtt().then(
      ({ connect }) => {
        this.loading = false;
        if (!this.closed) this.attach(connect(publicUrl(url), options));
      },
      (error: unknown) => {
        // Only a broken build lands here (MQTT.js is in the bundle); retried like a failed connect.
        this.loading = false;
        this.setState('offline', `cannot load MQTT.js: ${String(error)}`);
        this.retryLater();
      },
    );
  }

  private attach(client: MqttClient): void {
    this.client = client;
    let settled = false;
    const failed = (reason: string | undefined): void => {
      if (settled || this.client !== client) return;
      settled = true;
      this.client = undefined;
      client.end(true);
      this.setState('offline', reason);
      this.retryLater();
    };
    client.on('connect', (connack) => this.onConnect(client, connack));
    client.on('message', (topic, payload) => {
      if (this.client === client) this.deps.message(topic, payload);
    });
    client.on('error', (error) => {
      // A refused CONNACK (bad password, not authorized) is followed by no close: end it here.
      if (!client.connected) failed(error.message);
      else this.lastError = error.message;
    });
    // Either says the connection is gone (the broker stopped, the network dropped, keepalive
    // missed): the node hears it at once, and relay file lanes on this broker end (relay-lanes.ts).
    client.on('close', () => failed(this.lastError));
    client.on('offline', () => failed(this.lastError));
  }

  private lastError: string | undefined;

  private onConnect(client: MqttClient, connack: IConnackPacket): void {
    if (this.client !== client) return;
    // Without it Nagle's algorithm and the peer's delayed ACK hold small packets back about
    // 40 ms each way (measured: a QoS 1 round trip of 44 ms instead of 0.2 ms on loopback).
    (client.stream as { setNoDelay?: (noDelay: boolean) => unknown }).setNoDelay?.(true);
    this.attempt = 0;
    this.lastError = undefined;
    const fresh = !this.everConnected || !connack.sessionPresent;
    this.everConnected = true;
    if (fresh) this.confirmed.clear();
    const missing = [...this.wanted.keys()].filter((t) => !this.confirmed.has(t));
    this.setState('connected');
    if (missing.length > 0) this.sendSubscriptions(missing);
    this.deps.connected(fresh);
  }

  private sendSubscriptions(topics: readonly string[]): void {
    const client = this.client;
    if (client === undefined) return;
    for (let i = 0; i < topics.length; i += SUBSCRIBE_BATCH) {
      const batch = topics.slice(i, i + SUBSCRIBE_BATCH);
      const map = Object.fromEntries(
        batch.map((topic) => [topic, { qos: this.wanted.get(topic) ?? 1, rh: 0 as const }]),
      );
      client.subscribe(map, (error, granted) => {
        if (error !== null) return; // sent again at the next connection
        for (const grant of granted ?? []) {
          if (grant.qos === 0 || grant.qos === 1 || grant.qos === 2)
            this.confirmed.add(grant.topic);
        }
      });
    }
  }

  private retryLater(): void {
    if (this.closed || this.url === undefined) return;
    const url = this.url;
    const delay = reconnectDelay(this.attempt, this.deps.random);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed && this.client === undefined && !this.loading) this.open(url);
    }, delay);
  }

  private setState(state: RelayStatus['state'], error?: string): void {
    if (this.status.state === state && this.status.error === error) return;
    this.status = {
      broker: this.status.broker,
      url: this.status.url,
      state,
      since: this.deps.now(),
      ...(error === undefined ? {} : { error }),
    };
    this.deps.stateChanged(this.status);
  }
}
