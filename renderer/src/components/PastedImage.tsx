import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MultiFileResult } from '../../../shared/ipc/contract';
import { MAX_PASTED_IMAGE_BYTES } from '../../../shared/ipc/limits';
import { formatBytes } from '../lib/format';
import { useAppStore } from '../store/context';

/** The first image file on the clipboard of a paste (a screenshot), if there is one. */
export function pastedImage(data: DataTransfer): File | undefined {
  return Array.from(data.files).find((f) => f.type.startsWith('image/'));
}

/**
 * A pasted image before it is sent (docs/UI.md, "File transfers"): a thumbnail, its name and
 * size, Send and Cancel. Nothing leaves this computer until Send; main then checks the bytes
 * (an image type, at most 32 MiB), saves them in the profile and offers the file.
 */
export function PastedImage(props: {
  peerId: string;
  nick: string;
  image: File;
  onDone: () => void;
  /** In a group: the other members, each offered the image in their own chat (as the paperclip). */
  members?: readonly string[];
  onOffered?: (result: MultiFileResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const sendImage = useAppStore((s) => s.sendImage);
  const sendImageMany = useAppStore((s) => s.sendImageMany);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The object URL lives exactly as long as the <img> that shows it (a ref with a cleanup, so
  // StrictMode's second mount makes a fresh one instead of showing a revoked one).
  const { image } = props;
  const showImage = useCallback(
    (img: HTMLImageElement | null) => {
      if (img === null) return undefined;
      const url = URL.createObjectURL(image);
      img.src = url;
      return () => URL.revokeObjectURL(url);
    },
    [image],
  );
  const tooBig = props.image.size > MAX_PASTED_IMAGE_BYTES;
  const send = () => {
    setBusy(true);
    setError(null);
    const { members, onOffered } = props;
    const sent =
      members === undefined
        ? sendImage(props.peerId, props.image)
        : sendImageMany(members, props.image).then((result) => {
            if (result.ok) onOffered?.(result.value);
            return result;
          });
    void sent.then((result) => {
      setBusy(false);
      if (result.ok) props.onDone();
      else setError(t('files.paste.failed', { message: result.error.message }));
    });
  };
  return (
    <div
      className="pasted-image"
      role="group"
      aria-label={t('files.paste.label', { nick: props.nick })}
    >
      <img className="pasted-thumb" ref={showImage} alt="" />
      <div className="pasted-text">
        <span className="transfer-name">{t('files.paste.name')}</span>
        <span className="transfer-summary">{formatBytes(props.image.size, i18n.language)}</span>
        {tooBig && (
          <span className="field-error" role="alert">
            {t('files.paste.tooBig', { max: formatBytes(MAX_PASTED_IMAGE_BYTES, i18n.language) })}
          </span>
        )}
        {error !== null && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="transfer-actions">
        <button type="button" className="button" disabled={busy} onClick={props.onDone}>
          {t('files.paste.cancel')}
        </button>
        <button type="button" className="button primary" disabled={busy || tooBig} onClick={send}>
          {t('files.paste.send')}
        </button>
      </div>
    </div>
  );
}
