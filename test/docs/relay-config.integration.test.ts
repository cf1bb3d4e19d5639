/**
 * The Mosquitto config and ACL shipped in docs/relay/ (docs/RELAY.md), run as shipped: only the
 * listener's port and the file locations change. A test CA made by openssl signs the broker's
 * certificate; each node logs in with its node id as user name. Two nodes chat through it; a
 * third, with an account of its own, cannot publish another node's presence, write as another
 * node, or read another node's inbox; a node without the CA, or with a wrong password, cannot
 * connect at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type ErrorWithReasonCode, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, type PacketChatNode } from '../../electron/net/node';
import { defaultCryptoProvider } from '../../electron/net/crypto/default-provider';
import { generateIdentity, nodeIdOf } from '../../electron/net/crypto/identity';
import type { KeyPair } from '../../electron/net/crypto/primitives';
import type { RelayConfig } from '../../electron/net/relay/relay-connection';
import type { ChatMessage, PeerChange, RelayStatus } from '../../shared/domain';
import { relayTopics } from '../../shared/protocol/relay';
import { startBroker, type Broker } from '../helpers/mosquitto';
import { spyOn, type MqttSpy } from '../helpers/mqtt-spy';
import { LOOPBACK_BROADCAST, testPorts } from '../helpers/ports';
import { allOf, findTool, nameWithSkipReason, requireOrSkip, TOOLS } from '../helpers/require-tool';
import { makeTestCa, type TestCa } from '../helpers/test-ca';
import { waitForEvent, waitUntil } from '../helpers/wait';

const tools = allOf(
  findTool(TOOLS.mosquitto),
  findTool(TOOLS.mosquittoPasswd),
  findTool(TOOLS.openssl),
);
const WAIT_MS = 15_000;
const CONFIG = new URL('../../docs/relay/mosquitto.conf', import.meta.url);
const ACL = new URL('../../docs/relay/acl', import.meta.url);
const provider = defaultCryptoProvider().provider;

interface Account {
  readonly identity: KeyPair;
  readonly id: string;
  readonly password: string;
}

function account(password: string): Account {
  const identity = generateIdentity(provider);
  return { identity, id: nodeIdOf(identity.publicKey, provider), password };
}

describe(nameWithSkipReason('the shipped Mosquitto config (TLS, users, ACL)', tools), () => {
  const alice = account('alice-secret');
  const bob = account('bob-secret');
  const mallory = account('mallory-secret');
  let dir = '';
  let ca: TestCa | undefined;
  let broker: Broker | undefined;
  let admin: MqttSpy | undefined;
  const nodes: PacketChatNode[] = [];
  const url = (): string => `mqtts://127.0.0.1:${String(broker?.port ?? 0)}`;

  beforeAll(async () => {
    if (!tools.ok) return;
    dir = mkdtempSync(join(tmpdir(), 'pc-relay-conf-'));
    const pchat = join(dir, 'pchat');
    mkdirSync(pchat);
    ca = makeTestCa(pchat);
    writeFileSync(join(pchat, 'acl'), readFileSync(ACL));
    const passwd = join(pchat, 'passwd');
    writeFileSync(passwd, '');
    for (const [user, password] of [
      [alice.id, alice.password],
      [bob.id, bob.password],
      [mallory.id, mallory.password],
      ['pchat-admin', 'admin-secret'],
    ] as const)
      execFileSync('mosquitto_passwd', ['-b', passwd, user, password], { timeout: 10_000 });
    const shipped = readFileSync(CONFIG, 'utf8')
      .replace(/^listener 8883$/m, 'listener {{PORT}} {{HOST}}')
      .replaceAll('/etc/mosquitto/pchat/', `${pchat}/`);
    // What Debian's mosquitto.conf adds around conf.d, with our own directory and log.
    const preamble = ['persistence true', 'persistence_location {{DIR}}/', 'log_dest stderr'];
    broker = await startBroker({ config: [...preamble, shipped].join('\n') });
    admin = await spyOn(url(), 'pchat/#', {
      username: 'pchat-admin',
      password: 'admin-secret',
      ca: readFileSync(ca.caFile),
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await admin?.close();
    await broker?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function node(who: Account, nick: string, relay: Partial<RelayConfig> = {}): PacketChatNode {
    const created = createNode({
      ...testPorts(),
      broadcast: [LOOPBACK_BROADCAST],
      identity: who.identity,
      nick,
      relay: {
        brokers: [
          {
            url: url(),
            username: who.id,
            password: who.password,
            caFile: ca?.caFile ?? '',
            ...relay,
          },
        ],
      },
    });
    nodes.push(created);
    return created;
  }

  async function raw(who: Account, extra: Record<string, unknown> = {}): Promise<MqttClient> {
    return connectAsync(url(), {
      protocolVersion: 5,
      clientId: who.id,
      username: who.id,
      password: who.password,
      ca: readFileSync(ca?.caFile ?? ''),
      reconnectPeriod: 0,
      ...extra,
    });
  }

  it('carries a chat between two nodes over TLS with their own accounts', async (ctx) => {
    requireOrSkip(ctx, tools);
    const a = node(alice, 'alice');
    const b = node(bob, 'bob');
    const connected = (n: PacketChatNode) =>
      waitForEvent<readonly RelayStatus[]>(n, 'relay', (s) => s[0]?.state === 'connected', WAIT_MS);
    const up = Promise.all([connected(a), connected(b)]);
    await Promise.all([a.start(), b.start()]);
    await up;
    const sees = waitForEvent<PeerChange>(a, 'peer', (c) => c.peer.id === bob.id, WAIT_MS);
    a.seek(bob.id);
    expect((await sees).peer.path.kind).toBe('relay');
    const got = waitForEvent<ChatMessage>(b, 'message', () => true, WAIT_MS);
    await a.sendText(bob.id, 'through TLS and the ACL');
    expect((await got).text).toBe('through TLS and the ACL');
  });

  it("stops a node from publishing another node's presence, writing as another node and reading another's inbox", async (ctx) => {
    requireOrSkip(ctx, tools);
    const spy = admin;
    if (spy === undefined) throw new Error('no admin client');
    const presenceOfAlice = () =>
      spy.messages.filter((m) => m.topic === relayTopics.presence(alice.id));
    await waitUntil(() => presenceOfAlice().length > 0, WAIT_MS, "alice's presence");
    const before = presenceOfAlice().length;
    const client = await raw(mallory);
    try {
      const refused = async (topic: string, payload: string, retain: boolean) => {
        const error = await client.publishAsync(topic, payload, { qos: 1, retain }).then(
          () => undefined,
          (e: unknown) => e as ErrorWithReasonCode,
        );
        return error?.code;
      };
      // 0x87: not authorized (MQTT 5 PUBACK reason code)
      expect(await refused(relayTopics.presence(alice.id), 'offline', true)).toBe(0x87);
      expect(await refused(relayTopics.directory(alice.id), 'x', true)).toBe(0x87);
      expect(await refused(relayTopics.inbox(bob.id, alice.id), 'x', false)).toBe(0x87);
      // its own presence and a message to bob as itself are fine
      expect(await refused(relayTopics.presence(mallory.id), 'x', false)).toBeUndefined();
      expect(await refused(relayTopics.inbox(bob.id, mallory.id), 'x', false)).toBeUndefined();
      // Mosquitto 2.0 grants the subscription but checks "read" on every delivery: nothing of
      // another node's inbox ever reaches mallory.
      const seen: string[] = [];
      client.on('message', (topic) => seen.push(topic));
      await client.subscribeAsync([relayTopics.inboxFilter(alice.id), 'pchat/#'], { qos: 1 });
      const probe = relayTopics.inbox(alice.id, mallory.id);
      expect(await refused(probe, 'probe', false)).toBeUndefined();
      expect(
        await refused(relayTopics.inbox(mallory.id, mallory.id), 'own', false),
      ).toBeUndefined();
      await waitUntil(
        () => seen.includes(relayTopics.inbox(mallory.id, mallory.id)),
        WAIT_MS,
        'own inbox',
      );
      await waitUntil(
        () => spy.messages.some((m) => m.topic === probe),
        WAIT_MS,
        "the admin to see the probe in alice's inbox",
      );
      expect(
        seen.filter((t) => t.includes('/inbox/') && !t.includes(`/inbox/${mallory.id}/`)),
      ).toEqual([]);
      expect(presenceOfAlice().length).toBe(before);
      expect(
        spy.messages.some(
          (m) => m.topic === relayTopics.inbox(bob.id, alice.id) && m.payload.toString() === 'x',
        ),
      ).toBe(false);
    } finally {
      await client.endAsync(true);
    }
  });

  it('refuses a node without the CA and a wrong password', async (ctx) => {
    requireOrSkip(ctx, tools);
    const failed = (n: PacketChatNode) =>
      waitForEvent<readonly RelayStatus[]>(
        n,
        'relay',
        (s) => s[0]?.state === 'offline' && s[0].error !== undefined,
        WAIT_MS,
      );
    const noCa = createNode({
      ...testPorts(),
      broadcast: [LOOPBACK_BROADCAST],
      identity: mallory.identity,
      relay: { brokers: [{ url: url(), username: mallory.id, password: mallory.password }] },
    });
    nodes.push(noCa);
    const tls = failed(noCa);
    await noCa.start();
    expect((await tls)[0]?.error).toMatch(/certificate/i);
    await noCa.close();

    const wrong = node(mallory, 'mallory', { password: 'guess' });
    const denied = failed(wrong);
    await wrong.start();
    expect((await denied)[0]?.error).toMatch(/not authorized|bad user name or password/i);
  });
});
