// Electron's security checklist, as code: https://www.electronjs.org/docs/latest/tutorial/security
// Each export is tested in test/electron/security.test.ts; docs/SECURITY.md maps item to code.
/** Our UI is served from this origin by app-protocol.ts (never file:// and never a remote URL). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'packetchat';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Sent as a response header with every packaged UI file; the same policy is in
 * renderer/index.html as a meta tag. No inline script, no remote anything, no frames.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dev server URL, only in an unpackaged run and only on this machine: a packaged app always
 * loads its own files, whatever the environment says.
 */
export function devServerUrl(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): string | undefined {
  const raw = env['VITE_DEV_SERVER_URL'];
  if (isPackaged || raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return url.protocol === 'http:' && local ? url.href : undefined;
  } catch {
    return undefined; // not a URL: ignore it and load the packaged UI
  }
}

/** Is `url` a page of our own UI? (`new URL().origin` is "null" for app://, so compare parts.) */
export function createAppUrlCheck(devUrl?: string): (url: string) => boolean {
  const devOrigin = devUrl === undefined ? undefined : new URL(devUrl).origin;
  return (url) => {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
      return devOrigin !== undefined && parsed.origin === devOrigin;
    } catch {
      return false;
    }
  };
}

/** The part of `WebContents` that `lockDownContents` needs (structural, so tests can pass a fake). */
export interface LockableContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: { preventDefault(): void }) => void,
  ): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * The app is one page: a link in a chat message must never replace it, open a window or attach a
 * webview. Links go to the system browser through `app:openExternal` instead.
 */
export function lockDownContents(contents: LockableContents): void {
  const prevent = (event: { preventDefault(): void }) => event.preventDefault();
  contents.on('will-navigate', prevent);
  contents.on('will-redirect', prevent);
  contents.on('will-attach-webview', prevent);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * What our own window may do: notifications, and write plain text to the clipboard (a message's
 * Copy). Camera, geolocation, reading the clipboard… are refused, and everything for any other
 * contents.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'notifications',
  'clipboard-sanitized-write',
]);

export function createPermissionPolicy(isOurContents: (contents: unknown) => boolean) {
  const allowed = (contents: unknown, permission: string) =>
    ALLOWED_PERMISSIONS.has(permission) && isOurContents(contents);
  return {
    request: (contents: unknown, permission: string, done: (granted: boolean) => void) => {
      done(allowed(contents, permission));
    },
    check: (contents: unknown, permission: string) => allowed(contents, permission),
  };
}

/** http(s) only: never file:, javascript:, smb: or a custom scheme another app registered. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
