import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';

/** Where a drop goes: a conversation files can be sent to, or one that says why not. */
export type DropTarget =
  | { readonly kind: 'send'; readonly peerId: string; readonly nick: string }
  | { readonly kind: 'refuse'; readonly reason: 'group' | 'stranger' };

const carriesFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files');

/**
 * Files and folders dragged from the desktop onto a conversation (docs/UI.md, "File transfers"):
 * an overlay says where they go while dragging; a drop hands the File objects to the preload,
 * which finds their paths (the page never names a path itself). `props` go on the conversation's
 * element (position: relative), `overlay` inside it.
 */
export function useFileDrop(target: DropTarget): {
  props: {
    onDragEnter: (e: DragEvent) => void;
    onDragOver: (e: DragEvent) => void;
    onDragLeave: (e: DragEvent) => void;
    onDrop: (e: DragEvent) => void;
  };
  overlay: ReactNode;
} {
  const { t } = useTranslation();
  const dropFiles = useAppStore((s) => s.dropFiles);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // dragenter and dragleave fire for every child crossed: count them, show while inside.
  const depth = useRef(0);
  const refusal =
    target.kind === 'refuse'
      ? t(target.reason === 'group' ? 'files.dropGroup' : 'files.dropStranger')
      : null;
  const props = {
    onDragEnter: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setDragging(true);
      setError(null);
    },
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = target.kind === 'send' ? 'copy' : 'none';
    },
    onDragLeave: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      if (target.kind === 'refuse') {
        setError(refusal);
        return;
      }
      const files = Array.from(e.dataTransfer.files);
      if (files.length === 0) return;
      void dropFiles(target.peerId, files).then((result) => {
        if (!result.ok) setError(t('files.dropFailed', { message: result.error.message }));
      });
    },
  };
  const overlay = (
    <>
      {dragging && (
        <div
          className={target.kind === 'send' ? 'drop-overlay' : 'drop-overlay refused'}
          role="status"
        >
          <Icon name={target.kind === 'send' ? 'paperclip' : 'close'} size={32} />
          <span>
            {target.kind === 'send' ? t('files.dropHere', { nick: target.nick }) : refusal}
          </span>
        </div>
      )}
      {error !== null && (
        <div className="drop-error" role="alert">
          <span>{error}</span>
          <button
            type="button"
            className="icon-button small"
            aria-label={t('notice.dismiss')}
            onClick={() => setError(null)}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      )}
    </>
  );
  return { props, overlay };
}
