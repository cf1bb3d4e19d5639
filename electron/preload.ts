// Runs sandboxed (bundled to CommonJS, only Electron's sandbox modules available). Exposes exactly
// `window.packetChat`: one function per call channel and `on` for events. No raw ipcRenderer, no
// generic invoke: the page can ask main for nothing outside the contract in shared/ipc.ts.
import { contextBridge, ipcRenderer } from 'electron';
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

export function createApi(ipc: RendererIpc, hasUserActivation: () => boolean): PacketChatApi {
  const api: Record<string, unknown> = {};
  for (const channel of CALL_CHANNELS) {
    const name = callChannel(channel);
    const gated = NEEDS_USER_ACTIVATION.has(channel);
    api[methodName(channel)] = (args?: unknown) =>
      gated && !hasUserActivation() ? Promise.resolve(NOT_A_CLICK) : ipc.invoke(name, args);
  }
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

contextBridge.exposeInMainWorld('packetChat', createApi(ipcRenderer, userActivationActive));
