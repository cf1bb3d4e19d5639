import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageReply } from '../../../shared/domain';
import type { MultiFileResult } from '../../../shared/ipc/contract';
import { fitsOneDatagram } from '../../../shared/protocol/datagram-fit';
import { MAX_DATAGRAM_BYTES } from '../../../shared/protocol/constants';
import { ipmsgByteLength, ipmsgPieces } from '../lib/ipmsg-size';
import { utf8Length } from '../../../shared/utf8';
import { excerptOf } from '../store/conversations-slice';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { LazyEmojiPicker } from './lazy-views';
import { MentionList } from './MentionList';
import {
  insertMention,
  matchMembers,
  mentionedIds,
  mentionQuery,
  type Mentionable,
} from './mentions';
import { Isolated } from './PeerName';
import { PastedImage, pastedImage } from './PastedImage';
import { IpmsgSizeIndicator, ipmsgSizeLevel, SizeIndicator, sizeLevel } from './SizeIndicator';

/** The composer grows with its text up to this share of the conversation's height. */
const MAX_HEIGHT_SHARE = 0.4;
const NO_DRAFT = '';

/** Above the text while answering a message: whom and what, with × to stop. */
function ReplyBar(props: { peerId: string; messageId: string }) {
  const { t } = useTranslation();
  const message = useAppStore((s) => s.messages[props.messageId]);
  const who = useAppStore((s) =>
    message?.direction === 'out'
      ? (s.self?.nick ?? t('message.fromMe'))
      : s.contacts[props.peerId]?.nick,
  );
  const setReplyTo = useAppStore((s) => s.setReplyTo);
  if (!message) return null;
  return (
    <div className="reply-bar" role="status">
      <Icon name="reply" size={16} />
      <div className="reply-bar-text">
        <span className="quote-who">
          <Isolated text={(v) => t('composer.replyingTo', v)} names={{ nick: who ?? '' }} />
        </span>
        <span className="quote-text" translate="no">
          {excerptOf(message.text)}
        </span>
      </div>
      <button
        type="button"
        className="icon-button small"
        aria-label={t('composer.cancelReply')}
        onClick={() => setReplyTo(props.peerId, null)}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

/**
 * Enter sends, Shift+Enter adds a line; an IME composition (pinyin) is never cut short. What is
 * typed is the conversation's draft (kept across switches and restarts); the field grows with
 * the text up to 40 % of the conversation; Esc stops a reply. In a group (`mentionable` given),
 * `@` opens the members to mention: arrows move, Enter or Tab picks, Esc closes.
 */
export function Composer(props: {
  peerId: string;
  nick: string;
  stranger: boolean;
  mentionable?: readonly Mentionable[];
  /** In a group: the other members, each offered the files as a one-to-one transfer. */
  members?: readonly string[];
}) {
  const { t } = useTranslation();
  const { peerId } = props;
  const send = useAppStore((s) => s.sendMessage);
  const sendFiles = useAppStore((s) => s.sendFiles);
  const pickPaths = useAppStore((s) => s.pickPaths);
  const sendFilesMany = useAppStore((s) => s.sendFilesMany);
  /** In a group: to how many members the last files went (their cards are in each one's chat). */
  const [offered, setOffered] = useState<string | null>(null);
  const text = useAppStore((s) => s.drafts[peerId] ?? NO_DRAFT);
  const setDraft = useAppStore((s) => s.setDraft);
  const flushDrafts = useAppStore((s) => s.flushDrafts);
  const replyId = useAppStore((s) => s.replyTo[peerId] ?? null);
  const setReplyTo = useAppStore((s) => s.setReplyTo);
  const sendTyping = useAppStore((s) => s.sendTyping);
  const focusRequest = useAppStore((s) => s.composerFocus);
  /** What happens to a message sent now, when it does not simply go out. */
  const note = useAppStore((s) => {
    const contact = s.contacts[peerId];
    if (contact?.kind !== 'peer') return null;
    // A key change holds messages whether the contact is online or not (the banner says why).
    if (contact.trust === 'key-changed') return 'trust.heldNote' as const;
    return contact.online ? null : ('composer.offlineNote' as const);
  });
  const replyMessage = useAppStore((s) => (replyId === null ? undefined : s.messages[replyId]));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  /** A pasted image waiting for Send or Cancel. */
  const [pasted, setPasted] = useState<File | null>(null);
  /** IPMsg peers: the encoding texts go in (null for everyone else), and whether to seal. */
  const ipmsgEncoding = useAppStore((s) => {
    const contact = s.contacts[peerId];
    return contact?.protocol === 'ipmsg' ? (contact.textEncoding ?? 'utf-8') : null;
  });
  const [sealed, setSealed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  /** Where the `@` was that Esc closed the list for (it stays closed for that one). */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);
  const members = props.mentionable;
  const query = useMemo(
    () => (members === undefined || caret === null ? undefined : mentionQuery(text, caret)),
    [members, text, caret],
  );
  const suggestions = useMemo(
    () =>
      members === undefined || query === undefined || query.start === dismissed
        ? []
        : matchMembers(members, query.query),
    [members, query, dismissed],
  );
  const listOpen = suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, suggestions.length - 1));
  const reply: MessageReply | undefined = useMemo(
    () =>
      replyMessage === undefined
        ? undefined
        : { id: replyMessage.id, excerpt: excerptOf(replyMessage.text) },
    [replyMessage],
  );
  const bytes = useMemo(() => utf8Length(text), [text]);
  // Plain text to a stranger has no header; a PacketChat text is a JSON packet around it.
  const fits = useMemo(
    () => (props.stranger ? bytes < MAX_DATAGRAM_BYTES : fitsOneDatagram(text, reply)),
    [props.stranger, bytes, text, reply],
  );
  const ipmsgSize = useMemo(
    () =>
      ipmsgEncoding === null
        ? null
        : {
            encoding: ipmsgEncoding,
            bytes: ipmsgByteLength(text, ipmsgEncoding),
            pieces: ipmsgPieces(text, ipmsgEncoding),
          },
    [ipmsgEncoding, text],
  );
  const level =
    ipmsgSize === null
      ? sizeLevel(bytes, fits)
      : ipmsgSizeLevel(ipmsgSize.bytes, ipmsgSize.pieces, bytes);
  const canSend = text.trim() !== '' && level !== 'over' && !sending;

  // Opening a conversation, or starting a reply, puts the cursor here. The composer is always in
  // view: nothing needs scrolling into it.
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
  }, [focusRequest, replyId]);

  // Grows with the text, up to 40 % of the conversation's height; then it scrolls.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    if (pendingCaret.current !== null) {
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
    // Empty, it is one line high, as the stylesheet draws it: no size to read. That is how a
    // conversation opens (no layout forced before its first frame) and how a sent text leaves it.
    if (text === '') {
      el.style.height = '';
      el.style.overflowY = '';
      return;
    }
    const pane = el.closest<HTMLElement>('.conversation');
    const max = Math.max(64, (pane?.clientHeight ?? window.innerHeight) * MAX_HEIGHT_SHARE);
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, max)}px`;
    el.style.overflowY = el.scrollHeight > max ? 'auto' : 'hidden';
  }, [text]);

  const change = (next: string) => {
    setDraft(peerId, next);
    if (next.trim() !== '') sendTyping(peerId);
  };
  const trackCaret = () => {
    // Only a group's mention list uses the caret: elsewhere a selection change (focusing the
    // composer when a conversation opens) re-renders nothing.
    if (members === undefined) return;
    const el = input.current;
    setCaret(el === null || el.selectionStart !== el.selectionEnd ? null : el.selectionStart);
  };
  const pick = (member: Mentionable) => {
    if (query === undefined || caret === null) return;
    const next = insertMention(text, query.start, caret, member.token);
    // The caret goes after the mention as the new text is committed (useLayoutEffect below), not
    // a frame later, when the next keys may already have moved it.
    pendingCaret.current = next.caret;
    change(next.text);
    setCaret(next.caret);
    setActive(0);
  };

  const submit = async () => {
    if (!canSend) return;
    setSending(true);
    setError(null);
    const mentions = members === undefined ? undefined : mentionedIds(text, members);
    const result = await send(
      peerId,
      text,
      props.stranger ? undefined : reply,
      ipmsgEncoding !== null && sealed,
      mentions,
    );
    setSending(false);
    if (result.ok) {
      setDraft(peerId, '');
      setReplyTo(peerId, null);
      void flushDrafts();
    } else setError(t('composer.sendFailed', { message: result.error.message }));
  };
  const onMentionKey = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    const n = suggestions.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.nativeEvent.isComposing) {
      const member = suggestions[activeIndex];
      if (member !== undefined) pick(member);
    } else if (e.key === 'Escape') {
      setDismissed(query?.start ?? null);
      e.stopPropagation();
    } else return false;
    e.preventDefault();
    return true;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (listOpen && onMentionKey(e)) return;
    if (e.key === 'Escape' && replyId !== null) {
      e.preventDefault();
      e.stopPropagation();
      setReplyTo(peerId, null);
      return;
    }
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void submit();
  };
  /** In a group: "Offered to k of n members", and why the others were not. */
  const tellOffered = (result: MultiFileResult, n: number) => {
    setOffered(t('files.offeredToMembers', { k: result.sent.length, n }));
    if (result.failed.length > 0)
      setError(t('files.sendFailed', { message: result.failed.map((f) => f.message).join('; ') }));
  };
  /** Main's file dialog, then the offer: its card arrives as a message. */
  const offerFiles = (kind: 'files' | 'folders') => {
    setError(null);
    setOffered(null);
    const { members } = props;
    if (members !== undefined) {
      void (async () => {
        const picked = await pickPaths(kind);
        if (!picked.ok) setError(t('files.sendFailed', { message: picked.error.message }));
        if (!picked.ok || picked.value.length === 0) return;
        tellOffered(await sendFilesMany(members, picked.value), members.length);
      })();
      return;
    }
    void sendFiles(peerId, kind).then((result) => {
      if (!result.ok) setError(t('files.sendFailed', { message: result.error.message }));
    });
  };
  const insert = (emoji: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    change(`${text.slice(0, start)}${emoji}${text.slice(end)}`);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {replyId !== null && <ReplyBar peerId={peerId} messageId={replyId} />}
      {note !== null && (
        <p className="composer-note" role="note">
          <Isolated text={(v) => t(note, v)} names={{ nick: { id: peerId, nick: props.nick } }} />
        </p>
      )}
      {listOpen && (
        <MentionList id={listId} options={suggestions} active={activeIndex} onPick={pick} />
      )}
      {pasted !== null && (
        <PastedImage
          peerId={peerId}
          nick={props.nick}
          image={pasted}
          {...(props.members === undefined
            ? {}
            : {
                members: props.members,
                onOffered: (result: MultiFileResult) => {
                  setError(null);
                  tellOffered(result, props.members?.length ?? 0);
                },
              })}
          onDone={() => {
            setPasted(null);
            input.current?.focus();
          }}
        />
      )}
      <textarea
        ref={input}
        className="composer-input"
        value={text}
        rows={1}
        aria-label={t('composer.label', { nick: props.nick })}
        placeholder={t('composer.placeholder')}
        {...(members === undefined
          ? {}
          : {
              'aria-autocomplete': 'list' as const,
              'aria-controls': listOpen ? listId : undefined,
              'aria-activedescendant': listOpen ? `${listId}-${String(activeIndex)}` : undefined,
            })}
        onChange={(e) => {
          change(e.target.value);
          setCaret(e.target.selectionStart);
          setActive(0);
        }}
        onSelect={trackCaret}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          if (props.stranger) return;
          const image = pastedImage(e.clipboardData);
          if (image === undefined) return;
          e.preventDefault();
          setPasted(image);
        }}
        onBlur={() => {
          setCaret(null);
          void flushDrafts();
        }}
      />
      <div className="composer-bar">
        <div className="emoji-anchor">
          <button
            type="button"
            className="icon-button"
            aria-label={t('emoji.open')}
            aria-expanded={picking}
            aria-haspopup="dialog"
            title={t('emoji.open')}
            onClick={() => setPicking((p) => !p)}
          >
            <Icon name="smile" size={20} />
          </button>
          {picking && (
            <LazyEmojiPicker
              onPick={insert}
              onClose={() => {
                setPicking(false);
                input.current?.focus();
              }}
            />
          )}
        </div>
        {!props.stranger && (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label={t('files.sendFilesLabel', { nick: props.nick })}
              title={t('files.sendFiles')}
              onClick={() => offerFiles('files')}
            >
              <Icon name="paperclip" size={20} />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={t('files.sendFolderLabel', { nick: props.nick })}
              title={t('files.sendFolder')}
              onClick={() => offerFiles('folders')}
            >
              <Icon name="folder" size={20} />
            </button>
          </>
        )}
        {ipmsgSize === null ? (
          <SizeIndicator bytes={bytes} fits={fits} stranger={props.stranger} />
        ) : (
          <>
            <label className="sealed-toggle" title={t('composer.sealedTitle')}>
              <input
                type="checkbox"
                checked={sealed}
                onChange={(e) => setSealed(e.target.checked)}
              />
              {t('composer.sealed')}
            </label>
            <IpmsgSizeIndicator
              bytes={ipmsgSize.bytes}
              pieces={ipmsgSize.pieces}
              utf8Bytes={bytes}
              encoding={ipmsgSize.encoding}
            />
          </>
        )}
        {offered !== null && <span role="status">{offered}</span>}
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
        <span className="composer-spacer" />
        <button
          type="submit"
          className="button primary send-button"
          disabled={!canSend}
          aria-label={t('composer.sendLabel')}
        >
          <Icon name="send" size={16} />
          {t('composer.send')}
        </button>
      </div>
    </form>
  );
}
