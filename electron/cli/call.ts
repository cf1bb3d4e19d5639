// A call to the backend from a CLI mode: validated and answered by the shared invokeCall (as over
// Electron IPC); a failure is thrown as a CallError that keeps the contract's error data.
import type { CallChannel, CallHandlers, CallResults, IpcError } from '../../shared/ipc/contract';
import { invokeCall } from '../../shared/ipc/invoke';

export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(readonly error: IpcError) {
    super(error.message);
  }
}

export type Call = <C extends CallChannel>(channel: C, args?: unknown) => Promise<CallResults[C]>;

export function callerFor(handlers: CallHandlers): Call {
  return async <C extends CallChannel>(channel: C, args?: unknown): Promise<CallResults[C]> => {
    const result = await invokeCall(handlers, channel, args);
    if (!result.ok) throw new CallError(result.error);
    return result.value as CallResults[C];
  };
}
