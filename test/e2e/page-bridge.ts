// `window.packetChat` in a Chromium page, backed by handlers in the test process. It mirrors
// electron/preload.ts: one method per call channel and `on(event, listener)` returning a disposer.
// Calls travel through a Playwright binding; events go in with `page.evaluate`, in order.
import type { Page } from 'playwright-core';
import type { CallHandlers, EventChannel, EventPayloads } from '../../shared/ipc/contract';
import { CALL_CHANNELS, EVENT_CHANNELS, eventChannel, methodName } from '../../shared/ipc/channels';
import { answerCall } from '../renderer/fake-api';

const CALL_BINDING = '__packetChatCall';
const DISPATCH = '__packetChatDispatch';

/**
 * Plain JavaScript, injected before the page's own scripts (as a preload runs). A string, not a
 * function: the test runner's transform may add helpers to functions that do not exist in a page.
 */
function preloadScript(): string {
  const methods = CALL_CHANNELS.map((channel) => [channel, methodName(channel)]);
  const events = EVENT_CHANNELS.map((event) => [eventChannel(event), event]);
  return `(() => {
  const methods = ${JSON.stringify(methods)};
  const events = new Map(${JSON.stringify(events)});
  const listeners = new Map();
  const api = {};
  for (const [channel, method] of methods) {
    api[method] = (args) =>
      window.${CALL_BINDING}(JSON.stringify({ channel, args })).then((text) => JSON.parse(text));
  }
  // Electron's preload asks webUtils.getPathForFile for each dropped File. Chromium alone has no
  // such thing: this one sends the Files' names, and the test process maps them to the paths the
  // test created (installBridge's droppedPath); anything else has no path, as in Electron.
  api.filesDrop = (args) => {
    const files = Array.isArray(args && args.files) ? args.files : [];
    const names = files.filter((f) => f instanceof File).map((f) => f.name);
    return window.${CALL_BINDING}(
      JSON.stringify({ channel: 'files:drop', args: { peerId: args && args.peerId, names } }),
    ).then((text) => JSON.parse(text));
  };
  api.on = (event, listener) => {
    if (![...events.values()].includes(event)) throw new TypeError('unknown event ' + event);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = (payload) => listener(payload);
    set.add(wrapped);
    return () => set.delete(wrapped);
  };
  Object.defineProperty(window, 'packetChat', { value: Object.freeze(api), enumerable: true });
  Object.defineProperty(window, '${DISPATCH}', {
    value: (wire, payload) => {
      for (const listener of listeners.get(events.get(wire)) ?? []) listener(payload);
    },
  });
})();`;
}

/** What electron/preload.ts answers when no dropped File has a path. */
const NOTHING_DROPPED = {
  ok: false,
  error: {
    code: 'invalid-argument',
    message: 'nothing dropped is a file or folder on this computer',
    field: 'files',
    reason: 'no-path',
  },
};

function dropArgs(
  args: unknown,
  droppedPath: (name: string) => string | undefined,
): { peerId: unknown; paths: string[] } | typeof NOTHING_DROPPED {
  const { peerId, names } = (args ?? {}) as { peerId?: unknown; names?: unknown };
  const paths = (Array.isArray(names) ? (names as unknown[]) : []).flatMap((name) => {
    const path = typeof name === 'string' ? droppedPath(name) : undefined;
    return path === undefined ? [] : [path];
  });
  return paths.length === 0 ? NOTHING_DROPPED : { peerId, paths };
}

export interface CallRecord {
  readonly channel: string;
  readonly args: unknown;
}

export interface PageBridge {
  /** Delivers one event by its wire name (what electron/ipc/emitter.ts sends); false when closed. */
  send(wire: string, payload: unknown): boolean;
  /** The same, by event name, for tests that play main themselves. */
  emit<E extends EventChannel>(event: E, payload: EventPayloads[E]): void;
  /** Resolves once every event sent so far has reached the page. */
  delivered(): Promise<void>;
  readonly calls: readonly CallRecord[];
  close(): void;
}

/**
 * Call before `page.goto`: the API must exist before the renderer's first script runs.
 * `droppedPath` plays webUtils.getPathForFile for dropped files: a File's name to the path the
 * test created for it, or undefined (a File made by page script has no path).
 */
export async function installBridge(
  page: Page,
  handlers: CallHandlers,
  droppedPath: (name: string) => string | undefined = () => undefined,
): Promise<PageBridge> {
  const calls: CallRecord[] = [];
  let open = true;
  let chain: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  // Requests and answers cross as JSON text: plain data, as Electron's structured clone passes
  // it, and one string goes through the DevTools protocol much faster than a deep object.
  await page.exposeBinding(CALL_BINDING, async (_source, json: string) => {
    const request = JSON.parse(json) as { channel: string; args?: unknown };
    if (request.channel === 'files:drop') request.args = dropArgs(request.args, droppedPath);
    if (request.args === NOTHING_DROPPED) return JSON.stringify(NOTHING_DROPPED);
    calls.push({ channel: request.channel, args: request.args });
    return JSON.stringify(await answerCall(handlers, request.channel, request.args));
  });
  await page.addInitScript({ content: preloadScript() });
  const send = (wire: string, payload: unknown): boolean => {
    if (!open || page.isClosed()) return false;
    chain = chain
      .then(() =>
        page.evaluate(
          ([name, json]) =>
            (globalThis as unknown as Record<string, (w: string, p: unknown) => void>)[
              '__packetChatDispatch'
            ]?.(name, JSON.parse(json)),
          [wire, JSON.stringify(payload)] as const,
        ),
      )
      .catch((error: unknown) => {
        // A page that is closing loses its last events, as a closing window does.
        if (open && !page.isClosed())
          failure ??= error instanceof Error ? error : new Error(String(error));
      });
    return true;
  };
  return {
    send,
    emit: (event, payload) => void send(eventChannel(event), payload),
    delivered: async () => {
      await chain;
      if (failure !== undefined) throw failure;
    },
    calls,
    close: () => {
      open = false;
    },
  };
}
