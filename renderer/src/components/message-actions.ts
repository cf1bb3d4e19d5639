import { useText } from '../i18n/text';
import type { ChatMessage } from '../../../shared/domain';
import { formatClock } from '../lib/format';
import { useAppStoreApi } from '../store/context';
import type { AppState } from '../store/state';

/** Plain text for the clipboard: one message as it is, several with their sender and time. */
export function clipboardText(
  messages: readonly ChatMessage[],
  nameOf: (message: ChatMessage) => string,
  locale: string,
): string {
  if (messages.length === 1) return messages[0]?.text ?? '';
  return [...messages]
    .sort((a, b) => a.receivedAt - b.receivedAt)
    .map((m) => `[${formatClock(m.receivedAt, locale)}] ${nameOf(m)}: ${m.text}`)
    .join('\n');
}

/** Writes text to the clipboard; falls back to a selection copy where the API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    // The deprecated command is the only fallback a page has; it works on a user gesture.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

/** Whether a message of mine can still be stopped (it has no acknowledgement yet). */
export function undelivered(m: ChatMessage): boolean {
  return m.direction === 'out' && (m.state === 'sending' || m.state === 'pending');
}

/** The actions on messages, shared by the hover bar, the context menu and the selection bar. */
export function useMessageActions() {
  // The window's binding (useText), not useTranslation: every bubble calls this.
  const { t, language } = useText();
  const store = useAppStoreApi();
  const pick = (ids: readonly string[]) =>
    ids.map((id) => store.getState().messages[id]).filter((m): m is ChatMessage => m !== undefined);
  const nameOf = (s: AppState) => (m: ChatMessage) =>
    m.direction === 'out'
      ? (s.self?.nick ?? t('message.fromMe'))
      : (s.contacts[m.peerId]?.nick ?? m.remote);
  return {
    reply: (id: string) => {
      const get = store.getState();
      const m = get.messages[id];
      if (!m) return;
      get.setReplyTo(m.peerId, id);
      get.openMenu(null);
      get.clearSelection();
      // The composer focuses itself when a reply starts (Composer.tsx).
    },
    copy: async (ids: readonly string[]) => {
      const get = store.getState();
      get.openMenu(null);
      const done = await copyText(clipboardText(pick(ids), nameOf(get), language));
      get.pushToast({
        level: done ? 'info' : 'warning',
        code: 'copy',
        message: done ? t('actions.copied', { count: ids.length }) : t('actions.copyFailed'),
      });
    },
    forward: (ids: readonly string[]) => store.getState().startForward(ids),
    select: (peerId: string, id: string) => store.getState().toggleSelected(peerId, id),
    remove: (ids: readonly string[]) => store.getState().askDelete(ids),
    retry: (id: string) => {
      store.getState().openMenu(null);
      return store.getState().retryMessage(id);
    },
    cancel: (id: string) => {
      store.getState().openMenu(null);
      return store.getState().cancelMessage(id);
    },
  };
}
