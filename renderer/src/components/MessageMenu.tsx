import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isStrangerId } from '../../../shared/stranger-id';
import { useAppStore } from '../store/context';
import { Icon, type IconName } from './Icon';
import { undelivered, useMessageActions } from './message-actions';

interface Item {
  readonly id: string;
  readonly label: string;
  readonly icon: IconName;
  readonly keys?: string;
  readonly danger?: boolean;
  readonly run: () => void;
}

/**
 * The context menu of a message (right-click, the ⋯ button, or the menu key on a focused
 * message): Reply, Copy, Forward, Select, Retry, Cancel sending, Delete for me. WAI-ARIA menu:
 * arrow keys move, Enter runs, Esc closes and gives focus back to the message.
 */
export function MessageMenu() {
  const { t } = useTranslation();
  const menu = useAppStore((s) => s.menu);
  const message = useAppStore((s) => (s.menu ? s.messages[s.menu.messageId] : undefined));
  const openMenu = useAppStore((s) => s.openMenu);
  const actions = useMessageActions();
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: 0, top: 0 });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !menu) return;
    // Keep the whole menu on screen.
    const left = Math.min(menu.x, window.innerWidth - el.offsetWidth - 8);
    const top = Math.min(menu.y, window.innerHeight - el.offsetHeight - 8);
    setPosition({ left: Math.max(8, left), top: Math.max(8, top) });
    el.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [menu]);

  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) openMenu(null);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('resize', () => openMenu(null), { once: true });
    return () => window.removeEventListener('mousedown', close);
  }, [menu, openMenu]);

  if (!menu || !message) return null;
  const m = message;
  const stranger = isStrangerId(m.peerId);
  // A group message has no reply, no retry or cancel (each member's copy is its own delivery),
  // and stays stored: other members may ask this node for it.
  const inGroup = m.group !== undefined;
  const items: Item[] = [
    ...(stranger || inGroup
      ? []
      : [
          {
            id: 'reply',
            label: t('actions.reply'),
            icon: 'reply',
            keys: 'R',
            run: () => actions.reply(m.id),
          } as const,
        ]),
    {
      id: 'copy',
      label: t('actions.copy'),
      icon: 'copy',
      keys: 'Ctrl+C',
      run: () => void actions.copy([m.id]),
    },
    {
      id: 'forward',
      label: t('actions.forward'),
      icon: 'forward',
      keys: 'F',
      run: () => actions.forward([m.id]),
    },
    {
      id: 'select',
      label: t('actions.select'),
      icon: 'select',
      keys: 'S',
      run: () => actions.select(m.peerId, m.id),
    },
    ...(!inGroup && m.direction === 'out' && (m.state === 'pending' || m.state === 'failed')
      ? [
          {
            id: 'retry',
            label: t('message.retryNow'),
            icon: 'refresh',
            run: () => void actions.retry(m.id),
          } as const,
        ]
      : []),
    ...(!inGroup && undelivered(m)
      ? [
          {
            id: 'cancel',
            label: t('actions.cancelSending'),
            icon: 'close',
            run: () => void actions.cancel(m.id),
          } as const,
        ]
      : []),
    ...(inGroup
      ? []
      : [
          {
            id: 'delete',
            label: t('actions.deleteForMe'),
            icon: 'trash',
            keys: 'Del',
            danger: true,
            run: () => actions.remove([m.id]),
          } as const,
        ]),
  ];
  const close = () => {
    openMenu(null);
    document.querySelector<HTMLElement>(`.message[data-message-id="${CSS.escape(m.id)}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(entries.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        close();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={t('actions.menuLabel')}
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={item.danger ? 'menu-item danger' : 'menu-item'}
          onClick={() => {
            openMenu(null);
            item.run();
          }}
        >
          <Icon name={item.icon} size={16} />
          <span className="menu-label">{item.label}</span>
          {item.keys && <kbd>{item.keys}</kbd>}
        </button>
      ))}
    </div>
  );
}
