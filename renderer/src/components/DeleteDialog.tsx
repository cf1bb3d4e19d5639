import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { Dialog } from './Dialog';
import { Isolated } from './PeerName';

/** "Delete for me": says plainly that the other side keeps its copy. */
export function DeleteDialog() {
  const { t } = useTranslation();
  const ids = useAppStore((s) => s.confirmingDelete);
  const nick = useAppStore((s) => {
    const first = s.confirmingDelete?.[0];
    const peerId = first === undefined ? undefined : s.messages[first]?.peerId;
    return peerId === undefined ? undefined : s.contacts[peerId]?.nick;
  });
  const close = useAppStore((s) => s.askDelete);
  const remove = useAppStore((s) => s.deleteMessages);
  const clearSelection = useAppStore((s) => s.clearSelection);
  const pushToast = useAppStore((s) => s.pushToast);
  if (ids === null) return null;
  const confirm = async () => {
    close(null);
    const result = await remove(ids);
    clearSelection();
    if (!result.ok)
      pushToast({
        level: 'error',
        code: 'delete',
        message: t('actions.deleteFailed', { message: result.error.message }),
      });
  };
  return (
    <Dialog
      role="alertdialog"
      title={t('actions.deleteTitle', { count: ids.length })}
      onClose={() => close(null)}
    >
      <p className="dialog-text">
        {nick === undefined ? (
          t('actions.deleteNote', { nick: t('actions.theOtherSide') })
        ) : (
          <Isolated text={(v) => t('actions.deleteNote', v)} names={{ nick }} />
        )}
      </p>
      <footer className="dialog-footer">
        <button type="button" className="button" onClick={() => close(null)}>
          {t('settings.cancel')}
        </button>
        <button type="button" className="button danger" autoFocus onClick={() => void confirm()}>
          {t('actions.deleteForMe')}
        </button>
      </footer>
    </Dialog>
  );
}
