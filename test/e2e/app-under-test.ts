// One PacketChat "app" for an end-to-end test: the real backend (node + store, electron/app) in
// this process, wired to a Chromium page as main wires it to the window: the same event emitter
// (queue until `app:ready`, packet batching) and the same app handlers in front of the backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PeerStatus } from '../../shared/domain';
import type { Settings } from '../../shared/ipc/schemas';
import type { EventChannel, EventSink, SelfInfo } from '../../shared/ipc/contract';
import { createBackend, type Backend } from '../../electron/app/backend';
import type { RelayOverrides } from '../../electron/app/flags';
import type { IpmsgLaunch } from '../../electron/app/ipmsg-bridge';
import { createAppHandlers } from '../../electron/ipc/app-handlers';
import { createEmitter } from '../../electron/ipc/emitter';
import {
  createNode,
  type InterfaceAddress,
  type NodeOptions,
  type PacketChatNode,
} from '../../electron/net/index';
import { LOOPBACK_BROADCAST } from '../helpers/ports';
import { installBridge, type PageBridge } from './page-bridge';

export const VIEWPORT = { width: 1180, height: 760 };

export interface AppOptions {
  readonly url: string;
  readonly ports: { readonly serverPort: number; readonly clientPort: number };
  /**
   * Applied through the backend before the page loads (nickname, language, theme, …). The
   * first-run questions count as answered unless `onboarded: false` is given here.
   */
  readonly settings?: Partial<Settings>;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Node options for this app (a test's quick retries, relay brokers as `--relay` gives them). */
  readonly node?: Pick<NodeOptions, 'maxTransmissions' | 'rto' | 'tcpAckTimeoutMs'> & {
    readonly relay?: RelayOverrides;
  };
  /** The "OS" language and colour scheme the page sees. */
  readonly locale?: string;
  readonly colorScheme?: 'light' | 'dark';
  /**
   * What the node reports about this machine instead of the real thing (the screenshots show
   * made-up, documentation-friendly values). Discovery stays on loopback either way.
   */
  readonly machine?: {
    readonly host: string;
    readonly interfaces: () => InterfaceAddress[];
  };
  /**
   * The path of a file dropped on the page, by its name (what Electron's webUtils.getPathForFile
   * finds for a real drop; see page-bridge.ts). Without it nothing dropped has a path.
   */
  readonly droppedPath?: (name: string) => string | undefined;
  /** What main's file dialog "picks" (`files:pick`); without it there is no dialog. */
  readonly pickPaths?: (kind: 'files' | 'folders' | 'folder') => Promise<readonly string[]>;
  /**
   * What main's shell.openPath / shell.showItemInFolder get (`files:open`): a test records the
   * paths. Without it there is no desktop to open files with.
   */
  readonly openPath?: (path: string, reveal: boolean) => Promise<void>;
  /**
   * The IPMsg bridge (docs/IPMSG.md), bound with the node to `bindAddress` (a 127.x.y.z of the
   * test's own), asking only `peers` (IPs): no broadcast at all. Without it there is no bridge.
   */
  readonly ipmsg?: IpmsgLaunch & {
    readonly bindAddress: string;
    readonly peers: readonly string[];
  };
}

export interface AppUnderTest {
  readonly page: Page;
  readonly backend: Backend;
  readonly bridge: PageBridge;
  readonly self: SelfInfo;
  /** Every event main sent, as the shell (tray, badge) sees them. */
  readonly events: readonly { readonly event: EventChannel; readonly payload: unknown }[];
  close(): Promise<void>;
}

export async function launchApp(browser: Browser, options: AppOptions): Promise<AppUnderTest> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'packet-chat-e2e-'));
  let bridge: PageBridge | undefined;
  const emitter = createEmitter({ send: (wire, payload) => bridge?.send(wire, payload) ?? false });
  const events: { event: EventChannel; payload: unknown }[] = [];
  // What electron/main.ts does: the desktop (tray, badge) observes every event, then the window.
  const emit: EventSink = (event, payload) => {
    events.push({ event, payload });
    emitter.emit(event, payload);
  };
  const backend = createBackend({
    profile: { dataDir },
    appVersion: '0.0.0-e2e',
    node: {
      ...options.machine,
      ...options.node,
      serverPort: options.ports.serverPort,
      clientPort: options.ports.clientPort,
      broadcast: [LOOPBACK_BROADCAST],
      ...(options.ipmsg === undefined
        ? {}
        : {
            bindAddress: options.ipmsg.bindAddress,
            peers: [...options.ipmsg.peers],
            broadcast: [],
            interfaces: () => [],
          }),
    },
    ...(options.ipmsg === undefined ? {} : { ipmsg: options.ipmsg }),
    emit,
  });
  let context: BrowserContext | undefined;
  try {
    const started = backend.start();
    await started;
    await backend.handlers['settings:set']({ onboarded: true, ...options.settings });
    const handlers = createAppHandlers({
      backend: backend.handlers,
      started,
      onReady: () => emitter.ready(),
      onSettings: () => undefined,
      openInBrowser: () => Promise.resolve(),
      isSafeExternalUrl: (url) => /^https?:/.test(url),
      ...(options.pickPaths === undefined ? {} : { pickPaths: options.pickPaths }),
      ...(options.openPath === undefined ? {} : { openPath: options.openPath }),
    });
    context = await browser.newContext({
      viewport: options.viewport ?? VIEWPORT,
      deviceScaleFactor: 1,
      locale: options.locale ?? 'en-US',
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    const pageBridge = await installBridge(page, handlers, options.droppedPath);
    bridge = pageBridge;
    await page.goto(options.url);
    const self = await backend.handlers['self:get'](undefined);
    const opened = context;
    return {
      page,
      backend,
      bridge: pageBridge,
      self,
      events,
      close: async () => {
        pageBridge.close();
        emitter.close();
        await opened.close();
        await backend.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    emitter.close();
    await context?.close();
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A second real node on loopback: the remote peer the UI talks to. */
export async function startPeer(
  nick: string,
  ports: { readonly serverPort: number; readonly clientPort: number },
  status: PeerStatus = 'online',
): Promise<PacketChatNode> {
  const node = createNode({
    nick,
    status,
    host: `${nick.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'peer'}-pc`,
    serverPort: ports.serverPort,
    clientPort: ports.clientPort,
    broadcast: [LOOPBACK_BROADCAST],
  });
  await node.start();
  return node;
}
