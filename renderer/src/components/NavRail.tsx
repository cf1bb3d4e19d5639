import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { selectUnreadTotal } from '../store/selectors';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { StatusMenu } from './StatusMenu';

/** The narrow bar on the far left, as in QQ: me, chats, inspector, settings. */
export function NavRail() {
  const { t } = useTranslation();
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
  const setSettingsOpen = useAppStore((s) => s.setSettingsOpen);
  const setTransfersOpen = useAppStore((s) => s.setTransfersViewOpen);
  const unread = useAppStore(selectUnreadTotal);
  // The badge's digits are visible text, so the name holds them too ("Chats, 3 unread").
  const badge = unread > 0 ? (unread > 99 ? '99+' : String(unread)) : undefined;
  const self = useAppStore((s) => s.self);
  const menuOpen = useAppStore((s) => s.statusMenuOpen);
  const setMenuOpen = useAppStore((s) => s.setStatusMenuOpen);
  return (
    <nav className="nav-rail" aria-label={t('nav.label')}>
      {self ? (
        <button
          type="button"
          className="nav-me"
          aria-label={t('statusMenu.open', { status: t(`status.${self.status}`) })}
          aria-haspopup="dialog"
          aria-expanded={menuOpen}
          title={t('statusMenu.open', { status: t(`status.${self.status}`) })}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <Avatar
            id={self.nodeId}
            name={self.nick}
            size={38}
            presence={self.status}
            hue={self.avatarHue}
          />
        </button>
      ) : (
        <span className="nav-me">
          <span className="avatar placeholder" style={{ width: 38, height: 38 }} />
        </span>
      )}
      {menuOpen && <StatusMenu />}
      <button
        type="button"
        className={view === 'chats' ? 'nav-button active' : 'nav-button'}
        aria-label={badge === undefined ? t('nav.chats') : t('nav.chatsUnread', { n: badge })}
        aria-current={view === 'chats' ? 'page' : undefined}
        title={t('nav.chats')}
        onClick={() => setView('chats')}
      >
        <Icon name="chat" size={22} />
        {badge !== undefined && <span className="nav-badge">{badge}</span>}
      </button>
      <button
        type="button"
        className={view === 'inspector' ? 'nav-button active' : 'nav-button'}
        aria-label={t('nav.inspector')}
        aria-current={view === 'inspector' ? 'page' : undefined}
        title={t('nav.inspector')}
        onClick={() => setView('inspector')}
      >
        <Icon name="inspector" size={22} />
      </button>
      <button
        type="button"
        className="nav-button"
        aria-label={t('files.view.open')}
        aria-haspopup="dialog"
        title={t('files.view.open')}
        onClick={() => setTransfersOpen(true)}
      >
        <Icon name="arrows" size={22} />
      </button>
      <span className="nav-spacer" />
      <button
        type="button"
        className="nav-button"
        aria-label={t('nav.settings')}
        title={t('nav.settings')}
        onClick={() => setSettingsOpen(true)}
      >
        <Icon name="settings" size={22} />
      </button>
    </nav>
  );
}
