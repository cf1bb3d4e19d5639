import { randomInt } from 'node:crypto';

/**
 * Port numbers for one test. Every test file runs in parallel with others, so each takes a random
 * server port (nodes sharing a server port hear each other's broadcasts) and a random client base.
 * Both stay below Linux's ephemeral range (32768-60999): a busy machine's outgoing connections
 * take ports from there, and a test that expects "the next port" must not find one of them.
 */
export function testPorts(): { serverPort: number; clientPort: number } {
  return { serverPort: randomInt(20_000, 29_000), clientPort: randomInt(10_000, 19_000) };
}

/** Discovery on loopback only: never the host's real broadcast addresses. */
export const LOOPBACK_BROADCAST = '127.255.255.255';

/** CLI flags that put a node on these ports with discovery on loopback only. */
export function loopbackArgs(ports: { serverPort: number; clientPort: number }): string[] {
  return [
    '--server-port',
    String(ports.serverPort),
    '--client-port',
    String(ports.clientPort),
    '--broadcast',
    LOOPBACK_BROADCAST,
  ];
}
