// Strangers (plain UDP tools such as `nc -u`) are contacts named by where they write from. Their
// id is `stranger:IP:PORT`; these helpers are the only place that spells the format out.
import { formatEndpoint, parseEndpoint, type Endpoint } from './address';

const PREFIX = 'stranger:';

export function strangerId(endpoint: Endpoint): string {
  return `${PREFIX}${formatEndpoint(endpoint)}`;
}

export function isStrangerId(id: string): boolean {
  return id.startsWith(PREFIX);
}

/** The endpoint of a stranger id, or undefined when `id` is not one. */
export function strangerEndpoint(id: string): Endpoint | undefined {
  if (!isStrangerId(id)) return undefined;
  const rest = id.slice(PREFIX.length);
  return rest.includes(':') ? parseEndpoint(rest, 0) : undefined;
}

/**
 * A conversation id for what a user typed: `stranger:IP:PORT` as is, a bare `IP:PORT` as the
 * stranger at that address, anything else unchanged (a peer id).
 */
export function conversationIdFor(text: string): string {
  const trimmed = text.trim();
  if (isStrangerId(trimmed)) return trimmed;
  const endpoint = trimmed.includes(':') ? parseEndpoint(trimmed, 0) : undefined;
  return endpoint === undefined ? trimmed : strangerId(endpoint);
}
