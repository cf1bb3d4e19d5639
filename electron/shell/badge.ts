// The unread count on the taskbar or dock: a number on the macOS dock and on Linux launchers that
// support it (app.setBadgeCount), a red dot over the taskbar button on Windows, which has no
// numeric badge. https://www.electronjs.org/docs/latest/tutorial/windows-taskbar#icon-overlays-in-taskbar
import { app, nativeImage, type NativeImage } from 'electron';

/** The part of BrowserWindow the Windows overlay needs (structural, so tests can pass a fake). */
export interface BadgeWindow {
  setOverlayIcon(overlay: NativeImage | null, description: string): void;
  isDestroyed(): boolean;
}

export interface Badge {
  set(unread: number): void;
}

const DOT_SIZE = 16;

/** A red dot, DOT_SIZE pixels square, as the BGRA bitmap `nativeImage.createFromBitmap` takes. */
export function unreadDotBitmap(size = DOT_SIZE): Buffer {
  const pixels = Buffer.alloc(size * size * 4); // transparent
  const centre = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if ((x - centre) ** 2 + (y - centre) ** 2 > radius ** 2) continue;
      pixels.set([0x2b, 0x39, 0xe5, 0xff], (y * size + x) * 4); // B, G, R, A: #E5392B
    }
  }
  return pixels;
}

export function createBadge(
  getWindow: () => BadgeWindow | undefined,
  platform: NodeJS.Platform = process.platform,
): Badge {
  if (platform !== 'win32') return { set: (unread) => void app.setBadgeCount(unread) };
  let dot: NativeImage | undefined;
  return {
    set(unread) {
      const window = getWindow();
      if (window === undefined || window.isDestroyed()) return;
      if (unread <= 0) {
        window.setOverlayIcon(null, '');
        return;
      }
      dot ??= nativeImage.createFromBitmap(unreadDotBitmap(), {
        width: DOT_SIZE,
        height: DOT_SIZE,
      });
      window.setOverlayIcon(dot, `${unread} unread`);
    },
  };
}
