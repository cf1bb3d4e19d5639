import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  handleAppProtocol,
  registerAppScheme,
  resolveAppFile,
  serveAppRequest,
} from '../../../electron/shell/app-protocol';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  createAppUrlCheck,
  createPermissionPolicy,
  devServerUrl,
  isSafeExternalUrl,
  lockDownContents,
} from '../../../electron/shell/security';
import { protocol, resetFakeElectron } from '../../helpers/fake-electron';

vi.mock('electron', () => import('../../helpers/fake-electron'));

beforeEach(() => resetFakeElectron());

describe('lockDownContents', () => {
  it('cancels navigation, redirects and webviews, and denies new windows', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
    lockDownContents({
      on: (event, listener) => listeners.set(event, listener),
      setWindowOpenHandler: (handler) => (openHandler = handler),
    });
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)?.(event);
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
    expect(openHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });
});

describe('permission policy', () => {
  const ours = { id: 1 };
  const policy = createPermissionPolicy((contents) => contents === ours);

  it.each([
    'media',
    'geolocation',
    'clipboard-read',
    'openExternal',
    'hid',
    'fullscreen',
    'unknown',
  ])('denies %s', (permission) => {
    const done = vi.fn();
    policy.request(ours, permission, done);
    expect(done).toHaveBeenCalledWith(false);
    expect(policy.check(ours, permission)).toBe(false);
  });

  it('allows writing text to the clipboard (Copy) for our own window only', () => {
    expect(policy.check(ours, 'clipboard-sanitized-write')).toBe(true);
    expect(policy.check({ id: 2 }, 'clipboard-sanitized-write')).toBe(false);
  });

  it('allows notifications for our own window only', () => {
    const done = vi.fn();
    policy.request(ours, 'notifications', done);
    expect(done).toHaveBeenCalledWith(true);
    expect(policy.check(ours, 'notifications')).toBe(true);
    expect(policy.check({ id: 2 }, 'notifications')).toBe(false);
  });
});

describe('external links', () => {
  it.each(['https://example.org/a?b#c', 'http://192.168.1.10:8080/'])('opens %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });
  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'ms-settings:',
    'app://packetchat/index.html',
    'not a url',
    'http://',
  ])('refuses %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('where the UI comes from', () => {
  it('is app://packetchat in production, whatever the environment says', () => {
    expect(APP_ENTRY_URL).toBe('app://packetchat/index.html');
    expect(devServerUrl({ VITE_DEV_SERVER_URL: 'http://localhost:5173/' }, true)).toBeUndefined();
  });

  it('accepts only a local http dev server when unpackaged', () => {
    expect(devServerUrl({ VITE_DEV_SERVER_URL: 'http://localhost:5173/' }, false)).toBe(
      'http://localhost:5173/',
    );
    for (const url of ['https://evil.example/', 'http://10.0.0.5:5173/', 'file:///x', 'nonsense']) {
      expect(devServerUrl({ VITE_DEV_SERVER_URL: url }, false), url).toBeUndefined();
    }
    expect(devServerUrl({}, false)).toBeUndefined();
  });

  it('recognises our own pages only', () => {
    const isApp = createAppUrlCheck();
    expect(isApp('app://packetchat/index.html')).toBe(true);
    expect(isApp('app://packetchat/assets/x.js')).toBe(true);
    expect(isApp('app://other/index.html')).toBe(false);
    expect(isApp('file:///app/dist/index.html')).toBe(false);
    expect(isApp('http://localhost:5173/')).toBe(false);
    expect(createAppUrlCheck('http://localhost:5173/')('http://localhost:5173/x')).toBe(true);
  });
});

describe('Content Security Policy', () => {
  const directives = (policy: string) =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => {
          const [name = '', ...values] = d.split(/\s+/);
          return [name, values.join(' ')] as const;
        }),
    );
  const header = directives(CONTENT_SECURITY_POLICY);

  it('allows no inline or eval script, no remote origin and no frames', () => {
    expect(header.get('script-src')).toBe("'self'");
    expect(header.get('default-src')).toBe("'self'");
    expect(header.get('object-src')).toBe("'none'");
    expect(header.get('frame-ancestors')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('lets images come only from the app, data: and blob: (received thumbnails)', () => {
    expect(header.get('img-src')).toBe("'self' data: blob:");
    expect(header.get('connect-src')).toBe("'self'");
  });

  it('is at least as strict as the meta tag in renderer/index.html', () => {
    const html = readFileSync(
      path.join(import.meta.dirname, '../../../renderer/index.html'),
      'utf8',
    );
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    for (const [name, value] of directives(meta ?? '')) expect(header.get(name), name).toBe(value);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'packet-chat-ui-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>PacketChat</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(path.dirname(root), 'secret.html'), 'secret');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('registers app: as a secure standard scheme with a code cache and serves it from the UI folder', async () => {
    registerAppScheme();
    expect(protocol.privileged).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ]);
    handleAppProtocol(root);
    const response = await protocol.handlers.get('app')?.({ url: 'app://packetchat/' });
    expect(response?.status).toBe(200);
    expect(await response?.text()).toContain('<title>PacketChat</title>');
  });

  it('sends every file with the CSP header and its type', async () => {
    const response = await serveAppRequest(root, 'app://packetchat/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    'app://packetchat/../secret.html',
    'app://packetchat/%2e%2e/secret.html',
    'app://packetchat/..%2fsecret.html',
    'app://packetchat/%E0%A4%A',
    'app://other/index.html',
    'app://packetchat/missing.html',
    'app://packetchat/index.ts',
    'file:///etc/passwd',
  ])('answers 404 for %s', async (url) => {
    const response = await serveAppRequest(root, url);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('resolves only inside the root', () => {
    expect(resolveAppFile(root, 'app://packetchat/index.html')).toBe(path.join(root, 'index.html'));
    // The URL parser already folds a literal `..`; an encoded one must not climb out either.
    expect(resolveAppFile(root, 'app://packetchat/../secret.html')).toBe(
      path.join(root, 'secret.html'),
    );
    expect(resolveAppFile(root, 'app://packetchat/..%2fsecret.html')).toBeUndefined();
  });
});
