import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferInfo } from '../../../shared/transfers';
import { formatBytes } from '../lib/format';
import { useAppStore } from '../store/context';
import { Dialog } from './Dialog';
import { Segmented } from './SettingsFields';
import { EmptyView, StateView } from './StateView';
import { ChangedNames, OpenButtons, percentDone, useTransferCall } from './TransferExtras';

type Filter = 'all' | 'failed';

/** A transfer that failed, or whose files partly did. */
export const hasFailed = (t: TransferInfo): boolean => t.state === 'failed' || t.filesFailed > 0;

/** One transfer in the view: direction and peer, names, size, state, progress, retry. */
function TransferRow(props: { transfer: TransferInfo }) {
  const { t, i18n } = useTranslation();
  const { transfer } = props;
  const nick = useAppStore((s) => s.contacts[transfer.peerId]?.nick ?? transfer.peerId);
  const transferAction = useAppStore((s) => s.transferAction);
  const openTransfer = useAppStore((s) => s.openTransfer);
  const { busy, error, run } = useTransferCall();
  const lang = i18n.language;
  const percent = percentDone(transfer.bytesDone, transfer.bytes);
  const progress = t('files.progress', {
    done: formatBytes(transfer.bytesDone, lang),
    total: formatBytes(transfer.bytes, lang),
  });
  const retryable =
    transfer.direction === 'receive' &&
    transfer.state === 'failed' &&
    transfer.reason === 'files-failed';
  const names = transfer.names.join(', ');
  return (
    <li className="transfer-row" aria-label={names}>
      <div className="transfer-row-head">
        <span className="transfer-who">
          {t(transfer.direction === 'send' ? 'files.view.to' : 'files.view.from', { nick })}
        </span>
        <span className="transfer-name" translate="no">
          {names}
        </span>
      </div>
      <div className="transfer-numbers">
        <span>
          {t('files.summary', { count: transfer.files, size: formatBytes(transfer.bytes, lang) })}
        </span>
        <span className={`transfer-state state-${transfer.state}`}>
          {[
            t(`files.state.${transfer.state}`),
            transfer.reason === undefined ? '' : t(`files.reason.${transfer.reason}`),
          ]
            .filter(Boolean)
            .join(': ')}
        </span>
        {transfer.filesFailed > 0 && (
          <span>
            {t('files.view.filesFailed', { count: transfer.filesFailed, files: transfer.files })}
          </span>
        )}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={t('files.progressLabel')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={progress}
      >
        <div className="progress-fill" style={{ width: `${String(percent)}%` }} />
      </div>
      <ChangedNames transfer={transfer} />
      {(retryable || transfer.state === 'done') && (
        <div className="transfer-actions">
          <OpenButtons
            transfer={transfer}
            busy={busy}
            onOpen={(reveal) => run(() => openTransfer(transfer.id, reveal))}
          />
          {retryable && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => run(() => transferAction('retry', transfer.id))}
            >
              {t('files.retry')}
            </button>
          )}
        </div>
      )}
      {error !== null && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

/**
 * Every transfer, newest first, both directions (docs/UI.md, "File transfers"): a filter for
 * the failed ones, and "Retry failed files" for a folder some of whose files failed.
 */
export function TransfersView() {
  const { t } = useTranslation();
  const setOpen = useAppStore((s) => s.setTransfersViewOpen);
  const load = useAppStore((s) => s.transfersLoad);
  const loadTransfers = useAppStore((s) => s.loadTransfers);
  const transfers = useAppStore((s) => s.transfers);
  const [filter, setFilter] = useState<Filter>('all');
  useEffect(() => {
    void loadTransfers();
  }, [loadTransfers]);
  const shown = Object.values(transfers)
    .filter((x) => filter === 'all' || hasFailed(x))
    .sort((a, b) => b.createdAt - a.createdAt);
  const ready = load.status === 'ready' || (load.status === 'loading' && shown.length > 0);
  return (
    <Dialog title={t('files.view.title')} onClose={() => setOpen(false)} className="transfers-view">
      <div className="transfers-filter">
        <Segmented
          label={t('files.view.filter')}
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: t('files.view.all') },
            { value: 'failed', label: t('files.view.failed') },
          ]}
        />
      </div>
      {!ready ? (
        <StateView
          load={load}
          loadingText={t('files.view.loading')}
          errorText={t('files.view.loadFailed', {
            message: load.error ?? '',
          })}
          onRetry={() => void loadTransfers()}
        />
      ) : shown.length === 0 ? (
        <EmptyView title={t(filter === 'all' ? 'files.view.empty' : 'files.view.emptyFailed')} />
      ) : (
        <ul className="transfers-list" aria-label={t('files.view.listLabel')}>
          {shown.map((x) => (
            <TransferRow key={x.id} transfer={x} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}
