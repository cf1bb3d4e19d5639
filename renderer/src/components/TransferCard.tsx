import { useTranslation } from 'react-i18next';
import type { FileCard } from '../../../shared/domain';
import { isIpmsgPeerId } from '../../../shared/ipmsg-id';
import type { TransferInfo } from '../../../shared/transfers';
import { formatBytes, formatDuration } from '../lib/format';
import { useAppStore } from '../store/context';
import type { TransferAction } from '../store/state';
import { Icon } from './Icon';
import {
  ChangedNames,
  FileList,
  OpenButtons,
  percentDone,
  TransferThumbnail,
  useTransferCall,
} from './TransferExtras';

/** Names shown on a card before "and N more". */
const SHOWN_NAMES = 3;

/**
 * What IPMsg can do (docs/IPMSG.md): no pause or resume, and a download under way cannot be
 * stopped (the protocol has no way to say so); an offer of ours can be withdrawn until it ends.
 */
function ipmsgActions(t: TransferInfo, actions: ('accept' | TransferAction)[]) {
  const fetching = t.direction === 'receive' && (t.state === 'accepted' || t.state === 'active');
  return actions.filter((a) => a !== 'pause' && a !== 'resume' && !(fetching && a === 'cancel'));
}

/** Which buttons a transfer offers in its state, on this side (docs/UI.md, "File transfers"). */
export function transferActions(t: TransferInfo): ('accept' | TransferAction)[] {
  const actions = engineActions(t);
  return isIpmsgPeerId(t.peerId) ? ipmsgActions(t, actions) : actions;
}

function engineActions(t: TransferInfo): ('accept' | TransferAction)[] {
  const receiving = t.direction === 'receive';
  switch (t.state) {
    case 'offered':
      return receiving ? ['accept', 'decline'] : ['cancel'];
    case 'accepted':
    case 'active':
      return ['pause', 'cancel'];
    case 'paused':
      return t.reason === 'peer-paused' ? ['cancel'] : ['resume', 'cancel'];
    case 'failed':
      return receiving && t.reason === 'files-failed' ? ['retry'] : [];
    case 'declined':
    case 'done':
    case 'cancelled':
      return [];
  }
}

/**
 * A file offer in the conversation: what is offered (names as the sender wrote them, shown as
 * plain text), then the transfer as it is now: state and reason, a progress bar with the rate
 * and time left, and the actions its state allows.
 */
export function TransferCard(props: { card: FileCard; peerId: string }) {
  const { t, i18n } = useTranslation();
  const { card } = props;
  const transfer = useAppStore((s) => s.transfers[card.transferId]);
  const nick = useAppStore((s) => s.contacts[props.peerId]?.nick ?? props.peerId);
  const transferAction = useAppStore((s) => s.transferAction);
  const acceptTransfer = useAppStore((s) => s.acceptTransfer);
  const loaded = useAppStore((s) => s.transfersLoad.status === 'ready');
  const downloadDir = useAppStore((s) => s.settings?.downloadDir ?? null);
  const { busy, error, run } = useTransferCall();
  const lang = i18n.language;
  const names = card.names.slice(0, SHOWN_NAMES).join(', ');
  const hidden = card.names.length - SHOWN_NAMES;
  const openTransfer = useAppStore((s) => s.openTransfer);
  const bytes = transfer?.bytes ?? card.bytes;
  const done = transfer?.bytesDone ?? 0;
  const moving = transfer?.state === 'active';
  const percent = percentDone(done, bytes);
  const rate = transfer?.rate ?? 0;
  const ipmsg = isIpmsgPeerId(props.peerId);
  const stateText =
    transfer === undefined
      ? loaded
        ? t('files.unknown')
        : null
      : [
          ipmsg && transfer.state === 'done'
            ? t('files.ipmsgDone')
            : t(`files.state.${transfer.state}`),
          transfer.reason === undefined ? '' : t(`files.reason.${transfer.reason}`),
        ]
          .filter(Boolean)
          .join(': ');
  const label = (action: 'accept' | TransferAction) =>
    action !== 'accept'
      ? t(`files.${action}`)
      : downloadDir === null
        ? t('files.acceptLabel')
        : t('files.acceptIntoLabel', { dir: downloadDir });
  return (
    <div className="transfer-card" role="group" aria-label={t('files.cardLabel', { names })}>
      <div className="transfer-head">
        <Icon name={card.folders > 0 || card.files > 1 ? 'folder' : 'file'} size={22} />
        <div className="transfer-names">
          <span className="transfer-name" translate="no">
            {names}
            {hidden > 0 && ` ${t('files.more', { count: hidden })}`}
          </span>
          <span className="transfer-summary">
            {t('files.summary', { count: card.files, size: formatBytes(card.bytes, lang) })}
            {card.folders > 0 &&
              ` · ${t(ipmsg ? 'files.ipmsgFolders' : 'files.folders', { count: card.folders })}`}
          </span>
        </div>
      </div>
      {transfer !== undefined && (
        <TransferThumbnail
          transfer={transfer}
          onOpen={() => run(() => openTransfer(transfer.id, false, 0))}
        />
      )}
      {transfer !== undefined && (moving || transfer.state === 'paused' || done > 0) && (
        <div className="transfer-progress">
          <div
            className="progress"
            role="progressbar"
            aria-label={t('files.progressLabel')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={t('files.progress', {
              done: formatBytes(done, lang),
              total: formatBytes(bytes, lang),
            })}
          >
            <div className="progress-fill" style={{ width: `${String(percent)}%` }} />
          </div>
          <div className="transfer-numbers">
            <span>
              {t('files.progress', {
                done: formatBytes(done, lang),
                total: formatBytes(bytes, lang),
              })}
            </span>
            {moving && rate > 0 && (
              <>
                <span>{t('files.rate', { rate: formatBytes(rate, lang) })}</span>
                <span>{t('files.timeLeft', { time: formatDuration((bytes - done) / rate) })}</span>
              </>
            )}
          </div>
        </div>
      )}
      {stateText !== null && (
        <div
          className={`transfer-state state-${transfer?.state ?? 'unknown'}`}
          role={transfer?.state === 'failed' || transfer?.state === 'paused' ? 'alert' : 'status'}
        >
          {stateText}
          {transfer?.state === 'offered' && transfer.direction === 'send' && (
            <span className="muted">
              {' · '}
              {transfer.delivered === true
                ? t('files.delivered', { nick })
                : t('files.waitingAnswer', { nick })}
            </span>
          )}
          {transfer?.state === 'done' && transfer.dir !== undefined && (
            <span className="muted transfer-dir" translate="no">
              {' · '}
              {t('files.savedIn', { dir: transfer.dir })}
            </span>
          )}
        </div>
      )}
      {transfer !== undefined && <ChangedNames transfer={transfer} />}
      {transfer !== undefined && (
        <FileList
          transfer={transfer}
          busy={busy}
          onOpen={(file) => run(() => openTransfer(transfer.id, false, file))}
        />
      )}
      {transfer !== undefined &&
        (transferActions(transfer).length > 0 || transfer.state === 'done') && (
          <div className="transfer-actions">
            <OpenButtons
              transfer={transfer}
              busy={busy}
              onOpen={(reveal) => run(() => openTransfer(transfer.id, reveal))}
            />
            {transferActions(transfer).map((action) => (
              <button
                key={action}
                type="button"
                className={action === 'accept' ? 'button primary' : 'button'}
                disabled={busy}
                aria-label={label(action)}
                onClick={() =>
                  run(() =>
                    action === 'accept'
                      ? acceptTransfer(transfer.id)
                      : transferAction(action, transfer.id),
                  )
                }
              >
                {action !== 'accept'
                  ? t(`files.${action}`)
                  : downloadDir === null
                    ? t('files.accept')
                    : t('files.acceptInto')}
              </button>
            ))}
            {downloadDir !== null && transferActions(transfer).includes('accept') && (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => run(() => acceptTransfer(transfer.id, true))}
              >
                {t('files.saveElsewhere')}
              </button>
            )}
          </div>
        )}
      {error !== null && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
