/** The commands the hostile agent (hostile-agent.ts) takes and what it answers. */
import type { Endpoint } from '../../shared/address';

/**
 * What a flood sends: `sealed-random` first byte 0xF8–0xFC and random rest; `init` real
 * handshake INITs (fresh ephemeral keys); `announce-invented` announces under random node ids;
 * `stranger-text` plain UDP text lines; `frag-clear` fragments as JSON in the clear (protocol v1's
 * fragment flood); `frag-sealed-random` fragment-sized records under random indices; `raw` the
 * given datagrams in turn.
 */
export type DatagramKind =
  | 'sealed-random'
  | 'init'
  | 'announce-invented'
  | 'stranger-text'
  | 'frag-clear'
  | 'frag-sealed-random'
  | 'raw';

interface Base {
  readonly id: number;
}

export type AgentCommand = Base &
  (
    | {
        readonly cmd: 'udp-flood';
        readonly to: readonly Endpoint[];
        readonly kind: DatagramKind;
        readonly count: number;
        readonly durationMs: number;
        /** Distinct source sockets the flood rotates through (default 1). */
        readonly sourcePorts?: number;
        /** Bind the sockets to these ports upward (for spoofing rules keyed on the port). */
        readonly sourcePortBase?: number;
        readonly bindAddress?: string;
        /** For `raw`: base64 datagrams. */
        readonly raw?: readonly string[];
      }
    | { readonly cmd: 'listen'; readonly address?: string; readonly port: number }
    | { readonly cmd: 'received' }
    | {
        readonly cmd: 'tcp-silent';
        readonly to: Endpoint;
        readonly count: number;
        readonly bindAddress?: string;
      }
    | { readonly cmd: 'tcp-state' }
    | {
        readonly cmd: 'tcp-garbage';
        readonly to: Endpoint;
        readonly durationMs: number;
        readonly frameBytes: number;
        readonly bindAddress?: string;
      }
    | {
        readonly cmd: 'tcp-text-flood';
        readonly to: Endpoint;
        readonly count: number;
        readonly durationMs: number;
        readonly bindAddress?: string;
      }
    | {
        readonly cmd: 'identities';
        readonly to: Endpoint;
        readonly count: number;
        readonly nick?: string;
        readonly bindAddress?: string;
      }
    | { readonly cmd: 'close-all' }
  );

export type AgentReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

export interface FloodResult {
  readonly sent: number;
  readonly failed: number;
  readonly ms: number;
}

export interface TcpState {
  readonly opened: number;
  readonly refused: number;
  readonly closedByPeer: number;
  readonly open: number;
}

export interface TcpStreamResult {
  readonly frames: number;
  readonly bytes: number;
  readonly connections: number;
}

export interface IdentitiesResult {
  readonly completed: number;
  readonly failed: number;
  readonly ids: readonly string[];
}

/** Datagrams that came back to the agent's sockets, by v2 type (`resp`, `init`, …). */
export type ReceivedCounts = Readonly<Record<string, number>>;
