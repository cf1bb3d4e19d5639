import type { PacketChatApi } from '../../../shared/ipc/contract';

/**
 * The calls without arguments that the first screen waits for (what connectBridge loads). The
 * entry (main.tsx) starts them before the rest of the renderer has loaded, so main answers while
 * the page parses and runs its scripts instead of after.
 */
export const EARLY_CALLS = [
  'selfGet',
  'settingsGet',
  'contactsListCompact',
  'groupsList',
  'conversationsMutes',
  'conversationsList',
  'draftsList',
  'filesList',
] as const satisfies readonly (keyof PacketChatApi)[];

type EarlyCall = (typeof EARLY_CALLS)[number];

/**
 * Starts EARLY_CALLS now and returns the same API, except that the first call of each of them
 * answers with the one already under way; every later call goes to main as before.
 *
 * Nothing is lost to the head start: main holds its events until the renderer says `app:ready`
 * (electron/ipc/emitter.ts), which connectBridge sends after its listeners are attached, so every
 * change after these reads still arrives, and the store keeps an event's data over a list that
 * lands after it (as it does today for a list that is on its way).
 */
export function startEarlyCalls(api: PacketChatApi): PacketChatApi {
  const started = new Map<EarlyCall, Promise<unknown>>();
  for (const name of EARLY_CALLS) {
    const call = api[name]();
    // Handled: a broken bridge is reported by the store's first call of it (settle), not here.
    call.catch(() => undefined);
    started.set(name, call);
  }
  const first =
    <K extends EarlyCall>(name: K) =>
    (): ReturnType<PacketChatApi[K]> => {
      const call = started.get(name);
      started.delete(name);
      // The promise in the map for `name` is the one api[name]() returned.
      return (call ?? api[name]()) as ReturnType<PacketChatApi[K]>;
    };
  return {
    ...api,
    selfGet: first('selfGet'),
    settingsGet: first('settingsGet'),
    contactsListCompact: first('contactsListCompact'),
    groupsList: first('groupsList'),
    conversationsMutes: first('conversationsMutes'),
    conversationsList: first('conversationsList'),
    draftsList: first('draftsList'),
    filesList: first('filesList'),
  };
}
