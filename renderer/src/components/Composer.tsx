import { useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fitsOneDatagram } from '../../../shared/protocol/codec';
import { MAX_DATAGRAM_BYTES } from '../../../shared/protocol/constants';
import { utf8Length } from '../lib/utf8';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { SizeIndicator, sizeLevel } from './SizeIndicator';

/** Enter sends, Shift+Enter adds a line; an IME composition (pinyin) is never cut short. */
export function Composer(props: { peerId: string; nick: string; stranger: boolean }) {
  const { t } = useTranslation();
  const send = useAppStore((s) => s.sendMessage);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bytes = useMemo(() => utf8Length(text), [text]);
  // Plain text to a stranger has no header; a PacketChat text is a JSON packet around it.
  const fits = useMemo(
    () => (props.stranger ? bytes < MAX_DATAGRAM_BYTES : fitsOneDatagram(text)),
    [props.stranger, bytes, text],
  );
  const canSend = text.trim() !== '' && sizeLevel(bytes, fits) !== 'over' && !sending;

  const submit = async () => {
    if (!canSend) return;
    setSending(true);
    setError(null);
    const result = await send(props.peerId, text);
    setSending(false);
    if (result.ok) setText('');
    else setError(t('composer.sendFailed', { message: result.error.message }));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void submit();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        className="composer-input"
        value={text}
        rows={3}
        aria-label={t('composer.label', { nick: props.nick })}
        placeholder={t('composer.placeholder')}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-bar">
        <SizeIndicator bytes={bytes} fits={fits} stranger={props.stranger} />
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
