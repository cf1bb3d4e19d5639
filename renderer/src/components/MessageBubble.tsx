import { memo, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ChatMessage } from '../../../shared/domain';
import { isStrangerId } from '../../../shared/stranger-id';
import { formatClock, formatDateTime } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { GroupTally } from './GroupTally';
import { trustOf } from './members';
import { TrustBadge } from './TrustBadge';
import { Icon, type IconName } from './Icon';
import { undelivered, useMessageActions } from './message-actions';
import { MessageText } from './MessageText';
import { TransferCard } from './TransferCard';
import { Bdi, Isolated, PeerName } from './PeerName';
import { useText } from '../i18n/text';

/**
 * What a sent message's ticks say: one tick "Sent" where nothing acknowledges, two "Delivered",
 * and "Read" only once the peer said it read it (`readAt`: an IPMsg READMSG).
 */
export function stateLabel(m: ChatMessage): ChatMessage['state'] | 'sent' | 'read' {
  if (m.direction === 'out' && m.readAt !== undefined) return 'read';
  // Nothing acknowledges plain text to a stranger: `delivered` there means only "handed to the
  // network", so it reads "Sent", never "Delivered".
  return m.state === 'delivered' && isStrangerId(m.peerId) ? 'sent' : m.state;
}

const TICK_ICON: Record<ReturnType<typeof stateLabel>, IconName> = {
  sending: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  pending: 'clock',
  failed: 'alert',
  held: 'alert',
  cancelled: 'close',
  received: 'check',
};

/** The ticks inside a sent bubble, with their words for screen readers and on hover. */
function Ticks(props: { message: ChatMessage }) {
  const { t } = useText();
  const label = stateLabel(props.message);
  const text = t(`message.state.${label}`);
  // Waiting, failed and cancelled say it in words under the bubble (StatusLine).
  const spoken = label === 'sending' || label === 'sent' || label === 'delivered';
  return (
    <span className={`ticks ticks-${label}`} title={text}>
      <Icon name={TICK_ICON[label]} size={15} />
      {/* "Read" is in words: two ticks alone would look like "Delivered". */}
      {label === 'read' ? (
        <span className="read-mark">{text}</span>
      ) : (
        spoken && <span className="sr-only">{text}</span>
      )}
    </span>
  );
}

/** Under a sent bubble whose state needs words or a decision: waiting, failed, cancelled. */
function StatusLine(props: {
  message: ChatMessage;
  name: { readonly id: string; readonly nick: string };
  responding: boolean;
}) {
  const { t } = useText();
  const actions = useMessageActions();
  const [error, setError] = useState<string | null>(null);
  const m = props.message;
  const run = (call: () => Promise<{ ok: boolean; error?: { message: string } }>) => {
    setError(null);
    void call().then((r) => {
      if (!r.ok) setError(t('message.actionFailed', { message: r.error?.message ?? '' }));
    });
  };
  const named = (key: 'message.waiting' | 'message.notResponding' | 'trust.held') => (
    <Isolated text={(v) => t(key, v)} names={{ nick: props.name }} />
  );
  let text: ReactNode;
  if (m.state === 'pending') text = named('message.waiting');
  else if (m.state === 'held') text = named('trust.held');
  else if (m.state === 'failed') text = t('message.state.failed');
  else if (m.state === 'cancelled') text = t('message.cancelledNote');
  else if (m.state === 'sending' && !props.responding) text = named('message.notResponding');
  if (text === undefined) return null;
  const button = (label: string, onClick: () => void, name: string) => (
    <button type="button" className="link-button" aria-label={name} onClick={onClick}>
      {label}
    </button>
  );
  return (
    <div className={`message-status status-${m.state}`} role="status">
      <span>{text}</span>
      {(m.state === 'pending' || m.state === 'failed') &&
        button(
          m.state === 'pending' ? t('message.retryNow') : t('message.retry'),
          () => run(() => actions.retry(m.id)),
          t('message.retryLabel'),
        )}
      {undelivered(m) &&
        button(
          t('message.cancel'),
          () => run(() => actions.cancel(m.id)),
          t('message.cancelLabel'),
        )}
      {m.state !== 'sending' &&
        button(t('actions.delete'), () => actions.remove([m.id]), t('message.deleteLabel'))}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function Quote(props: { message: ChatMessage }) {
  const { t } = useText();
  const reply = props.message.reply;
  const original = useAppStore((s) => (reply ? s.messages[reply.id] : undefined));
  const who = useAppStore((s) => {
    if (!original) return undefined;
    return original.direction === 'out'
      ? (s.self?.nick ?? t('message.fromMe'))
      : s.contacts[original.peerId]?.nick;
  });
  const jump = useAppStore((s) => s.jumpToMessage);
  if (!reply) return null;
  return (
    <button
      type="button"
      className="quote"
      title={t('message.quoteJump')}
      onClick={() =>
        void jump({ peerId: props.message.peerId, messageId: reply.id, snippet: '', at: 0 })
      }
    >
      {who && <Bdi className="quote-who">{who}</Bdi>}
      <span className="quote-text" translate="no">
        {reply.excerpt}
      </span>
    </button>
  );
}

/** Reply, Copy and More, shown while the pointer is over the message (CSS `:hover`). */
function HoverActions(props: {
  reply: (() => void) | undefined;
  copy: () => void;
  more: (box: DOMRect) => void;
}) {
  const { t } = useText();
  return (
    <div className="hover-actions" aria-hidden="true">
      {props.reply && (
        <button type="button" tabIndex={-1} title={t('actions.reply')} onClick={props.reply}>
          <Icon name="reply" size={15} />
        </button>
      )}
      <button type="button" tabIndex={-1} title={t('actions.copy')} onClick={props.copy}>
        <Icon name="copy" size={15} />
      </button>
      <button
        type="button"
        tabIndex={-1}
        title={t('actions.more')}
        onClick={(e) => props.more(e.currentTarget.getBoundingClientRect())}
      >
        <Icon name="more" size={15} />
      </button>
    </div>
  );
}

/**
 * One message. The first of a group shows the avatar and the name and time line; every bubble
 * carries its ticks inside; time, round-trip time and address are on hover. Right-click opens the
 * menu, the hover bar has Reply, Copy and More; keys work on the focused message (docs/UI.md).
 */
export const MessageBubble = memo(function MessageBubble(props: {
  id: string;
  first: boolean;
  last: boolean;
  highlighted: boolean;
}) {
  const { t, language } = useText();
  const m = useAppStore((s) => s.messages[props.id]);
  const contact = useAppStore((s) => (m ? s.contacts[m.peerId] : undefined));
  // In a group, the writer (whose signature was checked) is the person shown.
  const writer = useAppStore((s) => (m?.group ? s.contacts[m.group.sender] : undefined));
  const self = useAppStore((s) => s.self);
  const selecting = useAppStore((s) => (m ? s.selection?.peerId === m.peerId : false));
  const selected = useAppStore((s) => s.selection?.ids.includes(props.id) ?? false);
  const openMenu = useAppStore((s) => s.openMenu);
  const actions = useMessageActions();
  // The hover bar and the bubble's details (two dates formatted, a translation) are made when
  // the pointer first comes over the message: opening a conversation mounts only what shows.
  const [hovered, setHovered] = useState(false);
  if (!m) return null;
  const mine = m.direction === 'out';
  const stranger = isStrangerId(m.peerId);
  const nick = contact?.nick ?? m.remote;
  const who = mine
    ? {
        id: self?.nodeId ?? 'me',
        name: self?.nick ?? t('message.fromMe'),
        hue: self?.avatarHue,
      }
    : m.group
      ? {
          id: m.group.sender,
          name: writer?.nick ?? m.group.sender.slice(0, 8),
          hue: writer?.avatarHue,
        }
      : { id: m.peerId, name: nick, hue: contact?.avatarHue };
  const inGroup = m.group !== undefined;
  const mentionsMe =
    !mine && self?.nodeId !== undefined && m.group?.mentions?.includes(self.nodeId) === true;
  const writerTrust = inGroup && !mine ? trustOf(writer) : undefined;
  const details = hovered
    ? [
        t('message.details', {
          sent: formatDateTime(m.sentAt, language),
          received: formatDateTime(m.receivedAt, language),
          remote: m.remote,
        }),
        m.rttMs === undefined ? '' : t('message.rttDetail', { ms: Math.round(m.rttMs) }),
      ]
        .filter(Boolean)
        .join(' · ')
    : undefined;
  // How it actually went: only an acknowledged message says TCP, never an attempt.
  const byTcp = mine && m.state === 'delivered' && m.transport === 'tcp' && !stranger;
  const menuAt = (x: number, y: number) => openMenu({ messageId: m.id, x, y });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.altKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    const handled: Record<string, () => void> = {
      r: () => {
        if (!inGroup) actions.reply(m.id);
      },
      c: () => void actions.copy([m.id]),
      f: () => actions.forward([m.id]),
      s: () => actions.select(m.peerId, m.id),
      delete: () => {
        if (!inGroup) actions.remove([m.id]);
      },
      contextmenu: () => {
        const box = e.currentTarget.getBoundingClientRect();
        menuAt(box.left + 40, box.top + 20);
      },
    };
    const action =
      e.key === 'F10' && e.shiftKey
        ? handled['contextmenu']
        : e.ctrlKey
          ? key === 'c'
            ? handled['c']
            : undefined
          : e.key === 'Enter'
            ? handled['contextmenu']
            : handled[key];
    if (!action) return;
    e.preventDefault();
    action();
  };
  const className = [
    'message',
    mine ? 'out' : 'in',
    props.first ? 'first' : 'cont',
    props.last && 'last',
    props.highlighted && 'highlight',
    mentionsMe && 'mentions-me',
    selected && 'selected',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={className}
      data-message-id={m.id}
      data-state={m.state}
      tabIndex={-1}
      aria-label={t('message.label', {
        who: who.name,
        time: formatClock(m.receivedAt, language),
      })}
      onKeyDown={onKeyDown}
      onPointerEnter={() => setHovered(true)}
      onContextMenu={(e) => {
        e.preventDefault();
        menuAt(e.clientX, e.clientY);
      }}
      onClick={(e) => {
        if (!selecting || (e.target as HTMLElement).closest('a, button')) return;
        actions.select(m.peerId, m.id);
      }}
    >
      {selecting && (
        <span
          className="select-box"
          role="checkbox"
          aria-checked={selected}
          aria-label={t('actions.selectMessage')}
        >
          {selected && <Icon name="check" size={14} />}
        </span>
      )}
      <div className="avatar-slot">
        {props.first && (
          <Avatar
            id={who.id}
            name={who.name}
            size={34}
            stranger={!mine && stranger}
            {...(who.hue === undefined ? {} : { hue: who.hue })}
          />
        )}
      </div>
      <div className="message-body">
        {props.first && (
          <div className="message-head">
            {!mine && (
              <span className="sender">
                <PeerName id={m.peerId} nick={who.name} />
              </span>
            )}
            {writerTrust !== undefined && <TrustBadge trust={writerTrust} size={12} />}
            <time dateTime={new Date(m.receivedAt).toISOString()}>
              {formatClock(m.receivedAt, language)}
            </time>
            {stranger && (
              <span className="plain-mark" title={t('trust.plainTitle')}>
                <Icon name="unlock" size={12} />
                {t('trust.plain')}
              </span>
            )}
          </div>
        )}
        {mentionsMe && (
          <span className="mention-mark" title={t('groups.mentionsYou')}>
            {t('groups.mentioned')}
          </span>
        )}
        <div className={`bubble ${m.state}${m.file ? ' file' : ''}`} title={details}>
          <Quote message={m} />
          {m.file ? (
            <TransferCard card={m.file} peerId={m.peerId} />
          ) : (
            <MessageText text={m.text} />
          )}
          {/* A file card tells its transfer's own state; the offer's delivery states go to the
              file engine, not to this message, so ticks here would stay at "sending". */}
          {mine && !m.file && (
            <span className="bubble-meta">
              {byTcp && (
                <span className="tcp-mark" title={t('message.tcpTitle')}>
                  {t('message.tcp')}
                </span>
              )}
              <Ticks message={m} />
            </span>
          )}
        </div>
        {mine && inGroup && <GroupTally message={m} />}
        {mine && !inGroup && !m.file && (
          <StatusLine
            message={m}
            name={{ id: m.peerId, nick }}
            responding={contact?.responding !== false}
          />
        )}
      </div>
      {!selecting && hovered && (
        <HoverActions
          reply={!stranger && !inGroup ? () => actions.reply(m.id) : undefined}
          copy={() => void actions.copy([m.id])}
          more={(box) => menuAt(box.left, box.bottom + 4)}
        />
      )}
    </div>
  );
});
