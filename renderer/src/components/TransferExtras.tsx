import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PathIssue } from '../../../shared/files/types';
import type { TransferFileInfo, TransferInfo } from '../../../shared/transfers';
import { fromBase64 } from '../lib/base64';
import { formatBytes } from '../lib/format';
import { useAppStore } from '../store/context';

/**
 * A received image, inline (docs/UI.md, "File transfers"): once a one-file transfer is done and
 * verified, main reads the file and, when its bytes are a PNG, JPEG, GIF or WebP of at most
 * 20 MiB, hands them over; they are shown through a blob: URL (the CSP allows blob: images only).
 */
export function TransferThumbnail(props: { transfer: TransferInfo; onOpen: () => void }) {
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
  const name = transfer.names[0] ?? '';
  return (
    <button
      type="button"
      className="transfer-thumb-button"
      title={t('files.openLabel', { names: name })}
      onClick={props.onOpen}
    >
      <img className="transfer-thumb" src={url} alt={t('files.thumbnail', { name })} />
    </button>
  );
}

/** How much of `bytes` is done, in whole percent (an empty transfer is complete). */
export function percentDone(done: number, bytes: number): number {
  return bytes === 0 ? 100 : Math.min(100, Math.floor((done / bytes) * 100));
}

type TransferCall = () => Promise<{
  ok: boolean;
  error?: { message: string; reason?: string };
}>;

/**
 * A transfer button's call (pause, retry, open, …) as the card and the transfers view run it:
 * `busy` while it runs, and what failed in plain words (`failureText`) in `error`.
 */
export function useTransferCall(): {
  busy: boolean;
  error: string | null;
  run: (call: TransferCall) => void;
} {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (call: TransferCall): void => {
    setError(null);
    setBusy(true);
    void call().then((r) => {
      setBusy(false);
      if (!r.ok) setError(failureText(t, r.error));
    });
  };
  return { busy, error, run };
}

/** What a failed transfer call says on its card: a moved or deleted file in plain words. */
export function failureText(
  t: TFunction,
  error: { readonly message: string; readonly reason?: string } | undefined,
): string {
  return error?.reason === 'gone'
    ? t('files.gone')
    : t('files.actionFailed', { message: error?.message ?? '' });
}

/**
 * Open and Show in folder, once a transfer is done: a received one opens (its one file or folder,
 * or the folder it was saved into) or is shown in its folder; a sent one is shown in its folder.
 */
export function OpenButtons(props: {
  transfer: TransferInfo;
  busy: boolean;
  onOpen: (reveal: boolean) => void;
}) {
  const { t } = useTranslation();
  const { transfer } = props;
  if (transfer.state !== 'done') return null;
  const names = transfer.names.join(', ');
  const several = transfer.files > 1 || transfer.folders > 0;
  return (
    <>
      {transfer.direction === 'receive' && (
        <button
          type="button"
          className="button"
          disabled={props.busy}
          aria-label={t(several ? 'files.openFolderLabel' : 'files.openLabel', { names })}
          onClick={() => props.onOpen(false)}
        >
          {t(several ? 'files.openFolder' : 'files.open')}
        </button>
      )}
      <button
        type="button"
        className="button"
        disabled={props.busy}
        aria-label={t('files.revealLabel', { names })}
        onClick={() => props.onOpen(true)}
      >
        {t('files.reveal')}
      </button>
    </>
  );
}

/**
 * Files whose saved name differs from the sender's, files not saved (unsafe names, …), and the
 * names inside a folder item that main lists with it (IPMsg folders, `renamedInside`): the first
 * ones, and how many more were changed there.
 */
export function changedNames(files: readonly TransferFileInfo[]): {
  readonly renamed: readonly TransferFileInfo[];
  readonly skipped: readonly TransferFileInfo[];
  readonly inside: readonly PathIssue[];
  readonly more: number;
} {
  return {
    renamed: files.filter(
      (f) => f.state !== 'skipped' && f.savedAs !== undefined && f.savedAs !== f.path,
    ),
    skipped: files.filter((f) => f.state === 'skipped'),
    inside: files.flatMap((f) => f.renamedInside?.names ?? []),
    more: files.reduce((sum, f) => sum + (f.renamedInside?.more ?? 0), 0),
  };
}

/**
 * A transfer's files from main (`files:files`) while `wanted`, asked again when `version` changes:
 * `files` null until they first come, `error` the message of the last call if it failed (the
 * files of an earlier call are kept).
 */
function useTransferFiles(
  id: string,
  wanted: boolean,
  version: unknown,
): { files: readonly TransferFileInfo[] | null; error: string | null } {
  const transferFiles = useAppStore((s) => s.transferFiles);
  const [files, setFiles] = useState<readonly TransferFileInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return undefined;
    let live = true;
    void transferFiles(id).then((result) => {
      if (!live) return;
      if (result.ok) setFiles(result.value);
      setError(result.ok ? null : result.error.message);
    });
    return () => {
      live = false;
    };
  }, [wanted, id, version, transferFiles]);
  return { files, error };
}

/** The files that were kept. */
const kept = (files: readonly TransferFileInfo[]): readonly TransferFileInfo[] =>
  files.filter((f) => f.state === 'done');

/** States after which the saved names are final. */
const SETTLED = new Set<TransferInfo['state']>(['done', 'failed']);

/**
 * "3 names were changed", with the list: what the engine renamed (unsafe on some OS, a clash got
 * " (1)") or did not save. Asked for once the receiving side has settled.
 */
export function ChangedNames(props: { transfer: TransferInfo }) {
  const { t } = useTranslation();
  const { transfer } = props;
  const settled = transfer.direction === 'receive' && SETTLED.has(transfer.state);
  const { files } = useTransferFiles(transfer.id, settled, transfer.state);
  if (files === null) return null;
  const { renamed, skipped, inside, more } = changedNames(files);
  const count = renamed.length + skipped.length + inside.length + more;
  if (count === 0) return null;
  return (
    <details className="changed-names">
      <summary>{t('files.renamed.summary', { count })}</summary>
      <ul translate="no">
        {renamed.map((f) => (
          <li key={f.index}>{t('files.renamed.renamedTo', { from: f.path, to: f.savedAs })}</li>
        ))}
        {inside.map((issue, n) => (
          <li key={`inside-${String(n)}`}>
            {t('files.renamed.renamedTo', { from: issue.path, to: issue.renamedTo })}
          </li>
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
      {more > 0 && <p className="muted">{t('files.renamed.more', { count: more })}</p>}
    </details>
  );
}

/** Most files a card lists; "Open folder" reaches the rest. */
const LISTED_FILES = 100;

/**
 * "Files (N)" on a received transfer of several files, once it is done: each kept file with its
 * size and its own Open. The list is asked for when the user unfolds it (a folder may hold
 * thousands), and shows at most LISTED_FILES of them.
 */
export function FileList(props: {
  transfer: TransferInfo;
  busy: boolean;
  onOpen: (file: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const { transfer } = props;
  const [unfolded, setUnfolded] = useState(false);
  const wanted =
    transfer.direction === 'receive' && transfer.state === 'done' && transfer.files > 1;
  const listed = useTransferFiles(transfer.id, wanted && unfolded, transfer.state);
  const files = listed.error ?? (listed.files === null ? null : kept(listed.files));
  if (!wanted) return null;
  const lang = i18n.language;
  return (
    <details className="transfer-files" onToggle={(e) => setUnfolded(e.currentTarget.open)}>
      <summary>{t('files.list.summary', { count: transfer.files })}</summary>
      {files === null ? (
        <p className="muted" role="status">
          {t('files.list.loading')}
        </p>
      ) : typeof files === 'string' ? (
        <p className="field-error" role="alert">
          {t('files.actionFailed', { message: files })}
        </p>
      ) : (
        <>
          <ul aria-label={t('files.list.summary', { count: transfer.files })}>
            {files.slice(0, LISTED_FILES).map((f) => {
              const name = f.savedAs ?? f.path;
              return (
                <li key={f.index}>
                  <span className="transfer-file-name" translate="no">
                    {name}
                  </span>
                  <span className="muted">{formatBytes(f.size, lang)}</span>
                  <button
                    type="button"
                    className="button"
                    disabled={props.busy}
                    aria-label={t('files.openLabel', { names: name })}
                    onClick={() => props.onOpen(f.index)}
                  >
                    {t('files.open')}
                  </button>
                </li>
              );
            })}
          </ul>
          {files.length > LISTED_FILES && (
            <p className="muted">{t('files.list.more', { count: files.length - LISTED_FILES })}</p>
          )}
        </>
      )}
    </details>
  );
}
