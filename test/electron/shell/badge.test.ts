import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createBadge, unreadDotBitmap } from '../../../electron/shell/badge';
import { app, BrowserWindow, resetFakeElectron } from '../../helpers/fake-electron';

vi.mock('electron', () => import('../../helpers/fake-electron'));

beforeEach(() => resetFakeElectron());

describe('unread badge', () => {
  it.each(['darwin', 'linux'] as const)('is the badge count on %s', (platform) => {
    const badge = createBadge(() => undefined, platform);
    badge.set(7);
    expect(app.badgeCount).toBe(7);
    badge.set(0);
    expect(app.badgeCount).toBe(0);
  });

  it('is a red dot over the taskbar button on Windows', () => {
    const window = new BrowserWindow({});
    const badge = createBadge(() => window, 'win32');
    badge.set(3);
    expect(window.overlay).toMatchObject({ description: '3 unread', image: { size: 16 } });
    badge.set(0);
    expect(window.overlay).toEqual({ image: null, description: '' });
    expect(app.badgeCount).toBe(0); // no numeric badge on Windows
  });

  it('ignores a window that is gone', () => {
    const window = new BrowserWindow({});
    window.destroyed = true;
    createBadge(() => window, 'win32').set(3);
    createBadge(() => undefined, 'win32').set(3);
    expect(window.overlay).toBeUndefined();
  });

  it('draws an opaque red dot on a transparent square', () => {
    const pixels = unreadDotBitmap(16);
    expect(pixels).toHaveLength(16 * 16 * 4);
    const at = (x: number, y: number) => [
      ...pixels.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4),
    ];
    expect(at(8, 8)).toEqual([0x2b, 0x39, 0xe5, 0xff]);
    expect(at(0, 0)).toEqual([0, 0, 0, 0]);
    expect(at(15, 15)).toEqual([0, 0, 0, 0]);
  });
});
