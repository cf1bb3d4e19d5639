import { isIPv4 } from '../shared/address';
import { IPC_GET_SELF, type SelfInfo } from '../shared/ipc';
import type { InterfaceAddress } from './net/interfaces';
import type { NodeInfo } from './net/node';

const LOOPBACK = '127.0.0.1';

/** The address peers most likely reach us at: the first non-loopback IPv4 one. */
export function pickDisplayAddress(interfaces: readonly InterfaceAddress[]): string {
  return interfaces.find((i) => !i.internal && isIPv4(i.address))?.address ?? LOOPBACK;
}

export type SelfSource = Pick<
  NodeInfo,
  'nodeId' | 'nick' | 'serverPort' | 'clientPort' | 'tcpPort' | 'interfaces'
>;

export function toSelfInfo(info: SelfSource): SelfInfo {
  return {
    nodeId: info.nodeId,
    nick: info.nick,
    address: pickDisplayAddress(info.interfaces),
    clientPort: info.clientPort,
    serverPort: info.serverPort,
    tcpPort: info.tcpPort,
  };
}

export class UntrustedSenderError extends Error {
  override readonly name = 'UntrustedSenderError';
  readonly code = 'untrusted-sender';
}

/** Structural views of `ipcMain` and `BrowserWindow`, so tests can pass plain fakes. */
export interface InvokeEventLike {
  readonly senderFrame: unknown;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike) => unknown): void;
}
export interface WindowLike {
  readonly webContents: { readonly mainFrame: unknown };
}

/** Only our own window's top frame may ask: not an iframe, not another window. */
export function isTrustedSender(window: WindowLike | undefined, frame: unknown): boolean {
  return window !== undefined && frame != null && frame === window.webContents.mainFrame;
}

export function registerGetSelf(
  ipc: IpcMainLike,
  getWindow: () => WindowLike | undefined,
  getInfo: () => SelfSource | Promise<SelfSource>,
): void {
  ipc.handle(IPC_GET_SELF, async (event) => {
    if (!isTrustedSender(getWindow(), event.senderFrame)) {
      throw new UntrustedSenderError(`${IPC_GET_SELF}: sender is not the main window`);
    }
    return toSelfInfo(await getInfo());
  });
}
