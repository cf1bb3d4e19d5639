// Runs sandboxed (bundled to CommonJS, only Electron's sandbox modules available). Exposes exactly
// `window.packetChat`: one function per call channel and `on` for events. No raw ipcRenderer, no
// generic invoke: the page can ask main for nothing outside the contract in shared/ipc.ts.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  CALL_CHANNELS,
  callChannel,
  eventChannel,
  isEventChannel,
  methodName,
} from '../shared/ipc/channels';
import type { CallChannel, IpcResult, PacketChatApi } from '../shared/ipc/contract';

/** The part of ipcRenderer the API needs (structural, so tests can pass a fake). */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * Calls that must come from a user gesture (a click on a link in a message). Transient user
 * activation cannot be forged by page script; see
 * https://html.spec.whatwg.org/multipage/interaction.html#tracking-user-activation
 */
const NEEDS_USER_ACTIVATION: ReadonlySet<CallChannel> = new Set(['app:openExternal']);

const NOT_A_CLICK: IpcResult<never> = {
  ok: false,
  error: { code: 'invalid-argument', message: 'links open only from a click', field: 'url' },
};

const NOTHING_DROPPED: IpcResult<never> = {
  ok: false,
  error: {
    code: 'invalid-argument',
    message: 'nothing dropped is a file or folder on this computer',
    field: 'files',
    reason: 'no-path',
  },
};

/**
 * `filesDrop({peerId, files})`: the page hands over the DOM File objects of a drop; the paths
 * sent to main are Electron's for those objects. A File the page made itself has no path ("") and
 * anything that is not a File makes getPathForFile throw: neither is sent, so the page cannot
 * offer a path of its own choosing (docs/SECURITY.md, "Dropped files").
 */
function dropCall(ipc: RendererIpc, pathOf: (file: unknown) => string) {
  return (args: unknown): Promise<unknown> => {
    const { peerId, files } = (args ?? {}) as { peerId?: unknown; files?: unknown };
    const paths: string[] = [];
    for (const file of Array.isArray(files) ? (files as unknown[]) : []) {
      try {
        const path = pathOf(file);
        if (typeof path === 'string' && path !== '') paths.push(path);
      } catch {
        // Not a File (or one Electron knows nothing about): not sent, as said above.
      }
    }
    if (paths.length === 0) return Promise.resolve(NOTHING_DROPPED);
    return ipc.invoke(callChannel('files:drop'), { peerId, paths });
  };
}

export function createApi(
  ipc: RendererIpc,
  hasUserActivation: () => boolean,
  pathOf: (file: unknown) => string = () => '',
): PacketChatApi {
  const api: Record<string, unknown> = {};
  for (const channel of CALL_CHANNELS) {
    const name = callChannel(channel);
    const gated = NEEDS_USER_ACTIVATION.has(channel);
    api[methodName(channel)] = (args?: unknown) =>
      gated && !hasUserActivation() ? Promise.resolve(NOT_A_CLICK) : ipc.invoke(name, args);
  }
  api[methodName('files:drop')] = dropCall(ipc, pathOf);
  api['on'] = (event: unknown, listener: unknown) => {
    if (!isEventChannel(event))
      throw new TypeError(`packetChat.on: unknown event ${String(event)}`);
    if (typeof listener !== 'function')
      throw new TypeError('packetChat.on: listener must be a function');
    // Pass the payload only: the IpcRendererEvent would hand the page ipcRenderer itself.
    const forward = (_event: unknown, payload: unknown) => {
      (listener as (payload: unknown) => void)(payload);
    };
    const name = eventChannel(event);
    ipc.on(name, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(name, forward);
    };
  };
  return Object.freeze(api) as PacketChatApi;
}

function userActivationActive(): boolean {
  // The preload shares the page's DOM (not its JS world), so it sees the real activation state.
  const page = globalThis as { navigator?: { userActivation?: { isActive?: boolean } } };
  return page.navigator?.userActivation?.isActive === true;
}

contextBridge.exposeInMainWorld(
  'packetChat',
  createApi(ipcRenderer, userActivationActive, (file) => webUtils.getPathForFile(file as File)),
);
