// Answers one call of the contract: the argument is validated with the channel's schema, the
// handler runs, and the outcome becomes an IpcResult with a code from the closed set. Every
// transport runs calls through this: Electron IPC (after its sender check), the end-to-end test
// bridge, and the CLI's --json mode.
import type { z } from 'zod';
import {
  IPC_ERROR_CODES,
  IpcFailure,
  type CallChannel,
  type CallHandlers,
  type IpcError,
  type IpcResult,
} from './contract';
import { callSchemas } from './schemas';

export const isCallChannel = (name: string): name is CallChannel =>
  Object.hasOwn(callSchemas, name);

export function ipcFailure(
  code: IpcError['code'],
  message: string,
  field?: string,
  reason?: string,
): IpcResult<never> {
  return {
    ok: false,
    error: {
      code,
      message,
      ...(field === undefined ? {} : { field }),
      ...(reason === undefined ? {} : { reason }),
    },
  };
}

function invalidArgument(error: z.ZodError): IpcResult<never> {
  const issue = error.issues[0];
  const field =
    issue === undefined || issue.path.length === 0 ? '(argument)' : issue.path.join('.');
  return ipcFailure('invalid-argument', `${field}: ${issue?.message ?? 'invalid'}`, field);
}

/**
 * `channel` is the contract name (`messages:send`). An unexpected error is reported to
 * `onInternalError` and crosses as `internal` without its message, which may carry paths.
 */
export async function invokeCall(
  handlers: CallHandlers,
  channel: string,
  rawArgs: unknown,
  onInternalError?: (channel: string, error: unknown) => void,
): Promise<IpcResult<unknown>> {
  if (!isCallChannel(channel)) return ipcFailure('unknown-channel', `no such call: ${channel}`);
  const parsed = callSchemas[channel].safeParse(rawArgs);
  if (!parsed.success) return invalidArgument(parsed.error);
  try {
    // The schema and handler maps share their keys; TypeScript cannot relate them per key here.
    const handler = handlers[channel] as (args: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof IpcFailure && IPC_ERROR_CODES.includes(error.code))
      return ipcFailure(error.code, error.message, error.field, error.reason);
    onInternalError?.(channel, error);
    return ipcFailure('internal', `${channel} failed; see the log`);
  }
}
