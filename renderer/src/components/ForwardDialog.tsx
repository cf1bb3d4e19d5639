import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { endpoint } from '../lib/format';
import { Avatar } from './Avatar';
import { PeerName } from './PeerName';
import { Dialog } from './Dialog';

/** Picks the contact to forward messages to; the conversation with them opens afterwards. */
export function ForwardDialog() {
  const { t } = useTranslation();
  const ids = useAppStore((s) => s.forwarding);
  const contacts = useAppStore((s) => s.contacts);
  const close = useAppStore((s) => s.startForward);
  const forward = useAppStore((s) => s.forwardMessages);
  const open = useAppStore((s) => s.openConversation);
  const clearSelection = useAppStore((s) => s.clearSelection);
  const pushToast = useAppStore((s) => s.pushToast);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useMemo(() => {
    const q = query.trim().toLowerCase();
    return Object.values(contacts)
      .filter((c) => [c.nick, `${c.address}:${c.port}`].some((f) => f.toLowerCase().includes(q)))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.nick.localeCompare(b.nick));
  }, [contacts, query]);
  if (ids === null) return null;
  const pick = async (peerId: string, nick: string) => {
    setBusy(true);
    const done = await forward(ids, peerId);
    setBusy(false);
    close(null);
    clearSelection();
    pushToast({
      level: done ? 'info' : 'error',
      code: 'forward',
      message: done
        ? t('actions.forwarded', { count: ids.length, nick })
        : t('actions.forwardFailed', { nick }),
    });
    if (done) open(peerId);
  };
  return (
    <Dialog title={t('actions.forwardTitle', { count: ids.length })} onClose={() => close(null)}>
      <input
        className="input"
        type="search"
        value={query}
        autoFocus
        aria-label={t('actions.forwardSearch')}
        placeholder={t('actions.forwardSearch')}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="pick-list" aria-label={t('actions.forwardTo')}>
        {list.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="pick-item"
              disabled={busy}
              onClick={() => void pick(c.id, c.nick)}
            >
              <Avatar
                id={c.id}
                name={c.nick}
                size={30}
                stranger={c.kind === 'stranger'}
                presence={c.kind === 'stranger' ? undefined : c.online ? c.status : 'offline'}
                {...(c.avatarHue === undefined ? {} : { hue: c.avatarHue })}
              />
              <span className="pick-name">
                <PeerName id={c.id} nick={c.nick} />
              </span>
              <code className="mono pick-endpoint" translate="no">
                {endpoint(c.address, c.port)}
              </code>
            </button>
          </li>
        ))}
        {list.length === 0 && <li className="muted pad">{t('search.noContacts')}</li>}
      </ul>
    </Dialog>
  );
}
