// Serves the built UI (dist/) as app://packetchat/… with the CSP as a response header. A custom
// protocol instead of file:// keeps the page away from file:// privileges and makes the origin
// checkable. See https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Maps an app:// URL to a file under `root`, or undefined (other host, traversal, odd type). */
export function resolveAppFile(root: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  const file = path.resolve(root, `.${relative}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) return undefined;
  return MIME_TYPES[path.extname(file)] === undefined ? undefined : file;
}

export type ReadFile = (file: string) => Promise<Uint8Array>;

/** Answers one request: the file with its type and the CSP, or 404. Never lists or escapes root. */
export async function serveAppRequest(
  root: string,
  url: string,
  read: ReadFile = readFile,
): Promise<Response> {
  const file = resolveAppFile(root, url);
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  };
  if (file === undefined) return new Response('not found', { status: 404, headers });
  try {
    const body = await read(file);
    const type = MIME_TYPES[path.extname(file)] ?? 'application/octet-stream';
    return new Response(Buffer.from(body), {
      status: 200,
      headers: { ...headers, 'content-type': type },
    });
  } catch {
    return new Response('not found', { status: 404, headers });
  }
}

/**
 * Must run before `app` is ready: app:// behaves like https (secure context, own origin), and
 * Chromium keeps V8's code cache for its scripts as it does for https (Electron gives custom
 * schemes none unless asked; `codeCache` needs `standard`), so a later start of the app reuses
 * the compiled first screen instead of compiling it again.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** After ready: answer app:// from the built UI directory. */
export function handleAppProtocol(root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(root, request.url));
}
