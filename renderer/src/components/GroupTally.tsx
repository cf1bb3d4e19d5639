import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/domain';
import { useAppStore } from '../store/context';
import { useMemberName } from './members';

/**
 * Under one of our group messages: how many members acknowledged it ("Delivered to 7 of 9,
 * waiting for carol, dave"), from the node's own counts (`message-state` events, or
 * `groups:deliveries` when this window has none yet), and each member's state on request.
 */
export function GroupTally(props: { message: ChatMessage }) {
  const { t } = useTranslation();
  const m = props.message;
  const tally = useAppStore((s) => s.tallies[m.id]);
  const deliveries = useAppStore((s) => s.deliveries[m.id]);
  const load = useAppStore((s) => s.loadDeliveries);
  const name = useMemberName();
  const [open, setOpen] = useState(false);
  const known = tally !== undefined;
  useEffect(() => {
    // History loaded from disk has no events: ask the node once.
    if (!known) void load(m.id);
  }, [known, load, m.id]);
  if (tally === undefined || tally.total === 0) return null;
  const parts = [t('tally.deliveredOf', { k: tally.delivered, n: tally.total })];
  if (tally.waiting.length > 0)
    parts.push(t('tally.waitingFor', { names: tally.waiting.map(name).join(', ') }));
  if (tally.failed.length > 0)
    parts.push(t('tally.failedFor', { names: tally.failed.map(name).join(', ') }));
  const done = tally.delivered === tally.total;
  return (
    <div className={`message-status group-tally${done ? ' done' : ''}`}>
      <span role="status">{parts.join(' · ')}</span>{' '}
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-label={open ? t('tally.hide') : t('tally.detailsLabel')}
        onClick={() => {
          if (!open) void load(m.id);
          setOpen(!open);
        }}
      >
        {open ? t('tally.hide') : t('tally.details')}
      </button>
      {open && deliveries && (
        <ul className="delivery-list">
          {deliveries.map((d) => (
            <li key={d.peerId} className={`delivery delivery-${d.state}`}>
              <span translate="no">{name(d.peerId)}</span>: {t(`tally.member.${d.state}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
