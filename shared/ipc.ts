// The contract between the Electron main process and the renderer. Plain ECMAScript types only:
// main, preload and renderer all compile this file in their own type worlds.

/** Invoke channel: the renderer asks main who this node is. */
export const IPC_GET_SELF = 'packet-chat:get-self';

/** This node as the renderer shows it in "my card". */
export interface SelfInfo {
  readonly nodeId: string;
  readonly nick: string;
  /** The IPv4 address peers on the LAN most likely reach us at (127.0.0.1 when offline). */
  readonly address: string;
  /** The port our datagrams come from: what peers show as our `IP:port`. */
  readonly clientPort: number;
  readonly serverPort: number;
  /** TCP fallback port, or null when TCP is off. */
  readonly tcpPort: number | null;
}

/** The object the preload exposes as `window.packetChat`. */
export interface PacketChatApi {
  getSelf(): Promise<SelfInfo>;
}
