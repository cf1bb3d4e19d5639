// A tiny static file server on 127.0.0.1 for the built renderer: the page is loaded over http as
// the app loads it from its own protocol, with the same Content-Security-Policy in index.html.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `cacheable`: the content-hashed files under assets/ may be kept for a year (index.html is never
 * kept), so a browser with a profile keeps them in its HTTP cache, and V8's code cache with them,
 * as Electron keeps the app:// scripts' code cache (electron/shell/app-protocol.ts). Otherwise
 * nothing is kept: every load fetches and compiles everything again.
 */
export async function serveDirectory(
  root: string,
  options: { readonly cacheable?: boolean } = {},
): Promise<StaticServer> {
  const kept = (pathname: string) =>
    options.cacheable === true && pathname.startsWith('/assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-store';
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(root + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
        response
          .writeHead(200, { 'content-type': type, 'cache-control': kept(pathname) })
          .end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
