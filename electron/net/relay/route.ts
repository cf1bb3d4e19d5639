import type { Endpoint } from '../../../shared/address';

/**
 * Where a relay packet came from or goes: an inbox on a broker. It travels where the LAN code
 * carries an Endpoint (the secure channel answers handshakes to it, the text receiver acks to
 * it), so `address` is the node id the sender claimed in its topic (a hint until a handshake
 * proves it; the rate limits count per claimed id) and `port` the broker's index. `broker` names
 * the broker (`host:port`) and marks the endpoint as a relay route.
 */
export interface RelayRoute extends Endpoint {
  readonly broker: string;
}

export function relayRoute(index: number, broker: string, nodeId: string): RelayRoute {
  return { address: nodeId, port: index, broker };
}

export function isRelayRoute(endpoint: Endpoint): endpoint is RelayRoute {
  return 'broker' in endpoint && typeof endpoint.broker === 'string';
}

/** How a route reads in warnings and the packet log. */
export function describeRoute(route: RelayRoute): string {
  return `relay ${route.broker} ${route.address}`;
}
