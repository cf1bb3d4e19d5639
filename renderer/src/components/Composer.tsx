import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageReply } from '../../../shared/domain';
import { fitsOneDatagram } from '../../../shared/protocol/codec';
import { MAX_DATAGRAM_BYTES } from '../../../shared/protocol/constants';
import { ipmsgByteLength, ipmsgPieces } from '../lib/ipmsg-size';
import { utf8Length } from '../lib/utf8';
import { excerptOf } from '../store/conversations-slice';
import { useAppStore } from '../store/context';
import { EmojiPicker } from './EmojiPicker';
import { Icon } from './Icon';
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
 * the text up to 40 % of the conversation; Esc stops a reply.
 */
export function Composer(props: { peerId: string; nick: string; stranger: boolean }) {
  const { t } = useTranslation();
  const { peerId } = props;
  const send = useAppStore((s) => s.sendMessage);
  const sendFiles = useAppStore((s) => s.sendFiles);
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

  // Opening a conversation, or starting a reply, puts the cursor here.
  useEffect(() => {
    input.current?.focus();
  }, [focusRequest, replyId]);

  // Grows with the text, up to 40 % of the conversation's height; then it scrolls.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
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

  const submit = async () => {
    if (!canSend) return;
    setSending(true);
    setError(null);
    const result = await send(
      peerId,
      text,
      props.stranger ? undefined : reply,
      ipmsgEncoding !== null && sealed,
    );
    setSending(false);
    if (result.ok) {
      setDraft(peerId, '');
      setReplyTo(peerId, null);
      void flushDrafts();
    } else setError(t('composer.sendFailed', { message: result.error.message }));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
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
  /** Main's file dialog, then the offer: its card arrives as a message. */
  const offerFiles = (kind: 'files' | 'folders') => {
    setError(null);
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
      {pasted !== null && (
        <PastedImage
          peerId={peerId}
          nick={props.nick}
          image={pasted}
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
        rows={2}
        aria-label={t('composer.label', { nick: props.nick })}
        placeholder={t('composer.placeholder')}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          if (props.stranger) return;
          const image = pastedImage(e.clipboardData);
          if (image === undefined) return;
          e.preventDefault();
          setPasted(image);
        }}
        onBlur={() => void flushDrafts()}
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
            <EmojiPicker
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
