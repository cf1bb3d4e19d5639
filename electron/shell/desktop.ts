// Desktop integration fed by the backend's events: tray and badge follow the unread count and my
// status, incoming messages raise a notification while the window is not focused.
import type { PeerStatus } from '../../shared/domain';
import type {
  CallHandlers,
  EventChannel,
  EventPayloads,
  EventSink,
} from '../../shared/ipc/contract';
import { createBadge, type BadgeWindow } from './badge';
import { createNotifier } from './notifier';
import { createTray, type UnreadIndicator } from './tray';

export interface DesktopOptions {
  readonly productName: string;
  readonly trayIconDataUrl: string;
  readonly isWindowFocused: () => boolean;
  readonly showWindow: () => void;
  /** The window whose taskbar button carries the badge on Windows. */
  readonly getWindow: () => BadgeWindow | undefined;
  /** To the renderer (the emitter): used for `open-conversation` after a notification click. */
  readonly emit: EventSink;
  readonly setStatus: (status: PeerStatus) => void;
  readonly quit: () => void;
  readonly log: (message: string, error: unknown) => void;
}

export interface Desktop {
  /** Sees every backend event (in addition to the renderer). */
  readonly observe: EventSink;
  setNotificationsEnabled(enabled: boolean): void;
  setUnread(total: number): void;
  setStatus(status: PeerStatus): void;
  destroy(): void;
}

function tryCreateTray(options: DesktopOptions): UnreadIndicator | undefined {
  try {
    return createTray(options.trayIconDataUrl, options.productName, {
      show: options.showWindow,
      setStatus: options.setStatus,
      quit: options.quit,
    });
  } catch (error) {
    // Some Linux desktops have no status area; the app works without a tray icon.
    options.log('PacketChat: no tray icon', error);
    return undefined;
  }
}

export function createDesktop(options: DesktopOptions): Desktop {
  const tray = tryCreateTray(options);
  const badge = createBadge(options.getWindow);
  const setUnread = (total: number) => {
    const unread = Math.max(0, Math.trunc(total));
    tray?.setUnread(unread);
    badge.set(unread);
  };
  const names = new Map<string, string>();
  const notifier = createNotifier({
    isWindowFocused: options.isWindowFocused,
    showWindow: options.showWindow,
    emit: options.emit,
    nameOf: (peerId) => names.get(peerId),
  });

  const observe = <E extends EventChannel>(event: E, payload: EventPayloads[E]): void => {
    switch (event) {
      case 'unread':
        setUnread((payload as EventPayloads['unread']).total);
        break;
      case 'self':
        tray?.setStatus((payload as EventPayloads['self']).status);
        break;
      case 'contact': {
        const { peer } = payload as EventPayloads['contact'];
        if (peer.nick !== '') names.set(peer.id, peer.nick);
        break;
      }
      case 'message':
        notifier.onMessage(payload as EventPayloads['message']);
        break;
      default:
        break; // the other events are for the renderer only
    }
  };

  return {
    observe,
    setNotificationsEnabled: (enabled) => notifier.setEnabled(enabled),
    setUnread,
    setStatus: (status) => tray?.setStatus(status),
    destroy: () => {
      badge.set(0);
      tray?.destroy();
    },
  };
}

/** Tray, badge and notifier start from the stored state (events keep them current after that). */
export async function seedDesktop(desktop: Desktop, handlers: CallHandlers): Promise<void> {
  const [settings, self, conversations] = await Promise.all([
    handlers['settings:get'](undefined),
    handlers['self:get'](undefined),
    handlers['conversations:list'](undefined),
  ]);
  desktop.setNotificationsEnabled(settings.notifications);
  desktop.setStatus(self.status);
  desktop.setUnread(conversations.reduce((sum, c) => sum + c.unread, 0));
}
