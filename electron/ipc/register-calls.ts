// The only file that touches `ipcMain`. Every call from the renderer goes through `dispatchCall`:
// sender check, schema validation, handler, and an `IpcResult` with a closed set of error codes.
// See docs/SECURITY.md ("IPC") and https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
import { ipcMain } from 'electron';
import { CALL_CHANNELS, callChannel } from '../../shared/ipc/channels';
import type { CallHandlers, IpcResult } from '../../shared/ipc/contract';
import { invokeCall, ipcFailure } from '../../shared/ipc/invoke';

/** Structural views of Electron's invoke event, frame and window, so tests can pass plain fakes. */
export interface FrameLike {
  readonly url: string;
  /** With `routingId`, names one frame in one renderer process (WebFrameMain). */
  readonly processId?: number;
  readonly routingId?: number;
}
export interface CallEventLike {
  readonly sender: unknown;
  /** Null when the frame has navigated away or gone since it sent the call. */
  readonly senderFrame: FrameLike | null;
}
export interface AppWindowLike {
  readonly webContents: { readonly mainFrame: FrameLike };
}

export interface DispatchContext {
  readonly handlers: CallHandlers;
  /** The app's main window, or undefined while there is none (nobody is trusted then). */
  readonly getWindow: () => AppWindowLike | undefined;
  /** True for a URL of our own UI (app://packetchat/… or, in development, the dev server). */
  readonly isAppUrl: (url: string) => boolean;
  /** Full details of an unexpected handler error, for the main-process log only. */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

/** The same frame: one WebFrameMain object, or the same process and routing ids. */
function sameFrame(a: FrameLike, b: FrameLike): boolean {
  if (a === b) return true;
  return (
    a.processId !== undefined &&
    a.routingId !== undefined &&
    a.processId === b.processId &&
    a.routingId === b.routingId
  );
}

/** Only our own window's top frame, showing our own UI, may call main (never a sub-frame). */
export function isTrustedSender(
  event: CallEventLike,
  window: AppWindowLike | undefined,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (window === undefined) return false;
  const frame = event.senderFrame;
  return (
    event.sender === window.webContents &&
    frame !== null &&
    sameFrame(frame, window.webContents.mainFrame) &&
    isAppUrl(frame.url)
  );
}

/**
 * Answers one call. Pure apart from the handler it runs: the Electron wiring below and the tests
 * both call it. `channel` is the contract name (`messages:send`), not the wire name.
 */
export async function dispatchCall(
  channel: string,
  rawArgs: unknown,
  event: CallEventLike,
  context: DispatchContext,
): Promise<IpcResult<unknown>> {
  if (!isTrustedSender(event, context.getWindow(), context.isAppUrl)) {
    return ipcFailure('untrusted-sender', `${channel}: the sender is not the PacketChat window`);
  }
  return invokeCall(context.handlers, channel, rawArgs, context.onInternalError);
}

/** Registers every channel of the contract on `ipcMain`; returns the function that removes them. */
export function registerCalls(context: DispatchContext): () => void {
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(callChannel(channel), (event, args: unknown) =>
      dispatchCall(channel, args, event, context),
    );
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(callChannel(channel));
  };
}
