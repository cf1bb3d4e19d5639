// What most end-to-end files start with: Chromium, a fresh renderer build served on loopback,
// and the app's window on a real backend (app-under-test.ts). Everything it opens is closed by
// the file's `closers` after all its tests, in reverse order.
import type { Browser } from 'playwright-core';
import { launchApp, type AppOptions, type AppUnderTest } from './app-under-test';
import { launchChromium } from './chromium';
import type { Closers } from './lifecycle';
import { buildRenderer } from './renderer-build';
import { serveDirectory, type StaticServer } from './static-server';

export interface AppWindow {
  readonly browser: Browser;
  readonly server: StaticServer;
  readonly app: AppUnderTest;
}

export async function openAppWindow(
  closers: Closers,
  options: Omit<AppOptions, 'url'>,
): Promise<AppWindow> {
  const browser = await launchChromium();
  closers.add(() => browser.close());
  const server = await serveRenderer(closers);
  const app = await launchApp(browser, { ...options, url: server.url });
  closers.add(() => app.close());
  return { browser, server, app };
}

/** The renderer, built into a temporary folder and served over HTTP; both go after all tests. */
export async function serveRenderer(closers: Closers): Promise<StaticServer> {
  const build = await buildRenderer();
  closers.add(() => build.remove());
  const server = await serveDirectory(build.dir);
  closers.add(() => server.close());
  return server;
}
