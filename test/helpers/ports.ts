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

/**
 * A port for an IPMsg bridge bound to 0.0.0.0 or 127.0.0.1 in a test: below Linux's ephemeral
 * range (32768 up), where a busy machine's outgoing connections would often hold it, and above
 * testPorts()' server ports.
 */
export function ipmsgTestPort(): number {
  return randomInt(29_000, 32_700);
}

/** Discovery on loopback only: never the host's real broadcast addresses. */
export const LOOPBACK_BROADCAST = '127.255.255.255';

/**
 * CLI flags that put a node on these ports with discovery on loopback only, and without the IPMsg
 * bridge (it binds the one host-wide port 2425; tests of it ask for it with --ipmsg-port).
 */
export function loopbackArgs(ports: { serverPort: number; clientPort: number }): string[] {
  return [
    '--no-ipmsg',
    '--server-port',
    String(ports.serverPort),
    '--client-port',
    String(ports.clientPort),
    '--broadcast',
    LOOPBACK_BROADCAST,
  ];
}
