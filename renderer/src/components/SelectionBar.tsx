import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { useMessageActions } from './message-actions';

/** Replaces the composer while messages are selected: the same actions, on all of them. */
export function SelectionBar(props: { peerId: string }) {
  const { t } = useTranslation();
  const ids = useAppStore((s) => (s.selection?.peerId === props.peerId ? s.selection.ids : null));
  const clear = useAppStore((s) => s.clearSelection);
  const actions = useMessageActions();
  if (ids === null) return null;
  return (
    <div className="selection-bar" role="toolbar" aria-label={t('actions.selectionLabel')}>
      <span className="selection-count" role="status">
        {t('actions.selected', { count: ids.length })}
      </span>
      <span className="composer-spacer" />
      <button type="button" className="button" onClick={() => void actions.copy(ids)}>
        <Icon name="copy" size={15} />
        {t('actions.copy')}
      </button>
      <button type="button" className="button" onClick={() => actions.forward(ids)}>
        <Icon name="forward" size={15} />
        {t('actions.forward')}
      </button>
      <button type="button" className="button danger-outline" onClick={() => actions.remove(ids)}>
        <Icon name="trash" size={15} />
        {t('actions.delete')}
      </button>
      <button type="button" className="button" onClick={clear}>
        {t('settings.cancel')}
      </button>
    </div>
  );
}
