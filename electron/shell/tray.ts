// Tray icon with the unread count and a small menu (show, status, quit).
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { PEER_STATUSES, type PeerStatus } from '../../shared/domain';

const STATUS_LABELS: Readonly<Record<PeerStatus, string>> = {
  online: 'Online',
  away: 'Away',
  busy: 'Busy',
};

export function trayTooltip(productName: string, unread: number): string {
  if (unread <= 0) return productName;
  return `${productName}: ${unread} unread message${unread === 1 ? '' : 's'}`;
}

export interface TrayActions {
  show(): void;
  setStatus(status: PeerStatus): void;
  quit(): void;
}

export function trayMenuTemplate(
  status: PeerStatus,
  unread: number,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    {
      label: unread > 0 ? `Show PacketChat (${unread} unread)` : 'Show PacketChat',
      click: () => actions.show(),
    },
    { type: 'separator' },
    ...PEER_STATUSES.map((s): MenuItemConstructorOptions => ({
      label: STATUS_LABELS[s],
      type: 'radio',
      checked: s === status,
      click: () => actions.setStatus(s),
    })),
    { type: 'separator' },
    { label: 'Quit PacketChat', click: () => actions.quit() },
  ];
}

export interface UnreadIndicator {
  setUnread(total: number): void;
  setStatus(status: PeerStatus): void;
  destroy(): void;
}

/** Creates the tray icon; throws where the desktop has no status area. */
export function createTray(
  iconDataUrl: string,
  productName: string,
  actions: TrayActions,
): UnreadIndicator {
  let image = nativeImage.createFromDataURL(iconDataUrl);
  if (process.platform === 'darwin') image = image.resize({ width: 16, height: 16 });
  const tray = new Tray(image);
  let unread = 0;
  let status: PeerStatus = 'online';
  const render = () => {
    tray.setToolTip(trayTooltip(productName, unread));
    // The macOS menu bar shows a title next to the icon; elsewhere setTitle is a no-op.
    tray.setTitle(unread > 0 ? String(unread) : '');
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(status, unread, actions)));
  };
  tray.on('click', () => actions.show());
  render();
  return {
    setUnread(total) {
      unread = Math.max(0, Math.trunc(total));
      render();
    },
    setStatus(next) {
      status = next;
      render();
    },
    destroy() {
      tray.destroy();
    },
  };
}
