// Desktop integration fed by the backend's events: tray and badge follow the unread count and my
// status, incoming messages raise a notification while the window is not focused.
import type { PeerStatus } from '../../shared/domain';
import { lookAlikeTags, taggedName, type NamedContact } from '../../shared/names';
import { groupConversationId } from '../../shared/protocol/groups';
import { countedUnread } from '../../shared/unread';
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
  /** Contacts known before any event (the stored ones), for names in notifications. */
  know(contacts: readonly NamedContact[]): void;
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
  const contacts = new Map<string, NamedContact>();
  let selfNick: string | undefined;
  let selfId: string | undefined;
  const muted = new Set<string>();
  /** Group conversations (`group:ID`) by name, for notification titles. */
  const groupNames = new Map<string, string>();
  const notifier = createNotifier({
    isMuted: (peerId) => muted.has(peerId),
    selfId: () => selfId,
    isWindowFocused: options.isWindowFocused,
    showWindow: options.showWindow,
    emit: options.emit,
    // Look-alike names carry their short fingerprint here too (shared/names.ts).
    nameOf: (peerId) => {
      const group = groupNames.get(peerId);
      if (group !== undefined) return group;
      const contact = contacts.get(peerId);
      if (contact === undefined || contact.nick === '') return undefined;
      return taggedName(contact.nick, lookAlikeTags(contacts.values(), selfNick).get(peerId));
    },
  });
  const know = (contact: NamedContact): void => {
    contacts.set(contact.id, { id: contact.id, nick: contact.nick, kind: contact.kind ?? 'peer' });
  };

  const observe = <E extends EventChannel>(event: E, payload: EventPayloads[E]): void => {
    switch (event) {
      case 'unread':
        setUnread((payload as EventPayloads['unread']).total);
        break;
      case 'self': {
        const self = payload as EventPayloads['self'];
        tray?.setStatus(self.status);
        selfNick = self.nick;
        selfId = self.nodeId;
        break;
      }
      case 'group': {
        const { group } = payload as EventPayloads['group'];
        groupNames.set(groupConversationId(group.id), group.name);
        break;
      }
      case 'mute': {
        const { peerId, muted: on } = payload as EventPayloads['mute'];
        if (on) muted.add(peerId);
        else muted.delete(peerId);
        break;
      }
      case 'contact': {
        const { peer, kind } = payload as EventPayloads['contact'];
        know({ ...peer, kind });
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
    know: (list) => {
      for (const contact of list) know(contact);
    },
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
  const [settings, self, conversations, contacts, mutes, groups] = await Promise.all([
    handlers['settings:get'](undefined),
    handlers['self:get'](undefined),
    handlers['conversations:list'](undefined),
    handlers['contacts:list'](undefined),
    handlers['conversations:mutes'](undefined),
    handlers['groups:list'](undefined),
  ]);
  desktop.setNotificationsEnabled(settings.notifications);
  desktop.observe('self', self);
  for (const peerId of mutes) desktop.observe('mute', { peerId, muted: true });
  for (const group of groups)
    desktop.observe('group', { change: 'updated', group, op: 'create', by: group.creator });
  desktop.know(contacts);
  const muted = new Set(mutes);
  desktop.setUnread(
    conversations.reduce(
      (sum, c) => sum + countedUnread(c.unread, c.mentions, muted.has(c.peerId)),
      0,
    ),
  );
}
