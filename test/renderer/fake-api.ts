// `window.packetChat` for tests: every call is validated with the contract's schema and answered by
// a handler map, as main does (electron/ipc/register-calls.ts, minus the sender check, which needs
// a window); events are dispatched synchronously by `emit`.
import {
  callMethodName,
  callSchemas,
  IPC_ERROR_CODES,
  IpcFailure,
  type CallChannel,
  type CallHandlers,
  type EventChannel,
  type EventPayloads,
  type EventSink,
  type IpcResult,
  type PacketChatApi,
} from '../../shared/ipc';
import { CALL_CHANNELS } from '../../shared/ipc-channels';

/** Answers one call the way main's dispatcher does: schema, handler, IpcResult. */
export async function answerCall(
  handlers: CallHandlers,
  channel: string,
  rawArgs: unknown,
): Promise<IpcResult<unknown>> {
  if (!Object.hasOwn(callSchemas, channel)) {
    return { ok: false, error: { code: 'unknown-channel', message: `no such call: ${channel}` } };
  }
  const name = channel as CallChannel;
  const parsed = callSchemas[name].safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(argument)';
    const message = `${field}: ${issue?.message ?? 'invalid'}`;
    return { ok: false, error: { code: 'invalid-argument', message, field } };
  }
  try {
    const handler = handlers[name] as (args: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof IpcFailure && IPC_ERROR_CODES.includes(error.code)) {
      const base = { code: error.code, message: error.message };
      return {
        ok: false,
        error: error.field === undefined ? base : { ...base, field: error.field },
      };
    }
    return { ok: false, error: { code: 'internal', message: `${channel} failed` } };
  }
}

export interface FakeApi {
  readonly api: PacketChatApi;
  /** Sends an event to every listener the renderer attached. */
  readonly emit: EventSink;
  /** Every call made, in order. */
  readonly calls: { readonly channel: CallChannel; readonly args: unknown }[];
  /** Listeners currently attached, per event. */
  listenerCount(event: EventChannel): number;
}

export function fakeApi(handlers: CallHandlers): FakeApi {
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  const api: Record<string, unknown> = {};
  for (const channel of CALL_CHANNELS) {
    api[callMethodName(channel)] = (args?: unknown) => {
      calls.push({ channel, args });
      return answerCall(handlers, channel, args);
    };
  }
  api['on'] = (event: EventChannel, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  const emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return {
    api: api as PacketChatApi,
    emit,
    calls,
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}
