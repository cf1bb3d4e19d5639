import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferFileInfo, TransferInfo } from '../../../shared/transfers';
import { fromBase64 } from '../lib/base64';
import { useAppStore } from '../store/context';

/**
 * A received image, inline (docs/UI.md, "File transfers"): once a one-file transfer is done and
 * verified, main reads the file and, when its bytes are a PNG, JPEG, GIF or WebP of at most
 * 20 MiB, hands them over; they are shown through a blob: URL (the CSP allows blob: images only).
 */
export function TransferThumbnail(props: { transfer: TransferInfo }) {
  const { t } = useTranslation();
  const { transfer } = props;
  const thumbnail = useAppStore((s) => s.transferThumbnail);
  const [url, setUrl] = useState<string | null>(null);
  const wanted =
    transfer.direction === 'receive' && transfer.state === 'done' && transfer.files === 1;
  useEffect(() => {
    if (!wanted) return undefined;
    let live = true;
    let made: string | null = null;
    void thumbnail(transfer.id, 0).then((result) => {
      if (!live || !result.ok || result.value === null) return;
      const blob = new Blob([fromBase64(result.value.base64)], { type: result.value.mime });
      made = URL.createObjectURL(blob);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made !== null) URL.revokeObjectURL(made);
    };
  }, [wanted, transfer.id, thumbnail]);
  if (url === null) return null;
  return (
    <img
      className="transfer-thumb"
      src={url}
      alt={t('files.thumbnail', { name: transfer.names[0] ?? '' })}
    />
  );
}

/** Files whose saved name differs from the sender's, and files not saved (unsafe names, …). */
export function changedNames(files: readonly TransferFileInfo[]): {
  readonly renamed: readonly TransferFileInfo[];
  readonly skipped: readonly TransferFileInfo[];
} {
  return {
    renamed: files.filter(
      (f) => f.state !== 'skipped' && f.savedAs !== undefined && f.savedAs !== f.path,
    ),
    skipped: files.filter((f) => f.state === 'skipped'),
  };
}

/** States after which the saved names are final. */
const SETTLED = new Set<TransferInfo['state']>(['done', 'failed']);

/**
 * "3 names were changed", with the list: what the engine renamed (unsafe on some OS, a clash got
 * " (1)") or did not save. Asked for once the receiving side has settled.
 */
export function ChangedNames(props: { transfer: TransferInfo }) {
  const { t } = useTranslation();
  const { transfer } = props;
  const transferFiles = useAppStore((s) => s.transferFiles);
  const [files, setFiles] = useState<readonly TransferFileInfo[] | null>(null);
  const settled = transfer.direction === 'receive' && SETTLED.has(transfer.state);
  useEffect(() => {
    if (!settled) return undefined;
    let live = true;
    void transferFiles(transfer.id).then((result) => {
      if (live && result.ok) setFiles(result.value);
    });
    return () => {
      live = false;
    };
  }, [settled, transfer.id, transfer.state, transferFiles]);
  if (files === null) return null;
  const { renamed, skipped } = changedNames(files);
  const count = renamed.length + skipped.length;
  if (count === 0) return null;
  return (
    <details className="changed-names">
      <summary>{t('files.renamed.summary', { count })}</summary>
      <ul translate="no">
        {renamed.map((f) => (
          <li key={f.index}>{t('files.renamed.renamedTo', { from: f.path, to: f.savedAs })}</li>
        ))}
        {skipped.map((f) => (
          <li key={f.index}>
            {t('files.renamed.skipped', {
              name: f.path,
              reason: t(`files.renamed.error.${f.error ?? 'unsafe-name'}`),
            })}
          </li>
        ))}
      </ul>
    </details>
  );
}
