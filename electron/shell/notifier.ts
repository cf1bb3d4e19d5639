// OS notification for a new incoming message while the window is not focused; a click shows the
// window and asks the renderer to open that conversation.
import { Notification } from 'electron';
import type { ChatMessage } from '../../shared/domain';
import type { EventSink } from '../../shared/ipc/contract';
import { isStrangerId } from '../../shared/stranger-id';

export const NOTIFICATION_BODY_MAX = 140;

export interface NotifierOptions {
  readonly isWindowFocused: () => boolean;
  readonly showWindow: () => void;
  readonly emit: EventSink;
  /** The contact's nickname with its look-alike tag, when known (strangers have none). */
  readonly nameOf: (peerId: string) => string | undefined;
  /** Whether the conversation is muted (`conversations:mute`). */
  readonly isMuted?: (peerId: string) => boolean;
  /** This node's id, once known (a message that @mentions it notifies even when muted). */
  readonly selfId?: () => string | undefined;
}

export interface Notifier {
  onMessage(message: ChatMessage): void;
  setEnabled(enabled: boolean): void;
}

export function notificationBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= NOTIFICATION_BODY_MAX
    ? flat
    : `${flat.slice(0, NOTIFICATION_BODY_MAX - 1)}…`;
}

/** Whether a message @mentions this node (a group message's mentions name it). */
export function mentionsMe(message: ChatMessage, selfId: string | undefined): boolean {
  return selfId !== undefined && message.group?.mentions?.includes(selfId) === true;
}

/**
 * Whether an incoming message notifies: not in a muted conversation, unless it @mentions me.
 * (Focus and the notifications setting are checked by the notifier.)
 */
export function notifies(
  message: ChatMessage,
  muted: boolean,
  selfId: string | undefined,
): boolean {
  if (message.direction !== 'in') return false;
  return !muted || mentionsMe(message, selfId);
}

export function createNotifier(options: NotifierOptions): Notifier {
  let enabled = true;
  // Electron drops the click handler of a notification that was garbage collected: keep them.
  const live = new Set<Notification>();
  return {
    onMessage(message) {
      const muted = options.isMuted?.(message.peerId) ?? false;
      if (!enabled || !notifies(message, muted, options.selfId?.()) || options.isWindowFocused())
        return;
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title: isStrangerId(message.peerId)
          ? `${message.remote} · not encrypted`
          : (options.nameOf(message.peerId) ?? message.remote),
        body: notificationBody(message.text),
      });
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        options.showWindow();
        options.emit('open-conversation', { peerId: message.peerId });
      });
      notification.on('close', () => live.delete(notification));
      notification.show();
    },
    setEnabled(next) {
      enabled = next;
    },
  };
}
