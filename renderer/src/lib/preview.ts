// The last message of a conversation as one line of the contact list. A file offer (PacketChat's
// or IPMsg's, a pasted image, a folder) is its card in words, never the text it travelled as.
import type { TFunction } from 'i18next';
import type { ChatMessage, FileCard } from '../../../shared/domain';
import { formatBytes } from './format';

/** Characters of a text message a row keeps (the row cuts the rest with an ellipsis). */
const PREVIEW_CHARS = 120;
/** Names a several-item offer shows before "+N". */
const NAMES_SHOWN = 2;
/** What a one-file offer is called a picture by (the preview only; nothing is judged by it). */
const PICTURE = /\.(png|jpe?g|gif|webp|bmp|heic|avif)$/i;

/** "📎 report.pdf (2.1 MiB)", "🖼️ Screenshot….png (80 KiB)", "📁 photos (120 files)". */
export function fileCardPreview(t: TFunction, card: FileCard, locale: string): string {
  const size = formatBytes(card.bytes, locale);
  const [name = '_'] = card.names;
  if (card.names.length > 1) {
    const shown = card.names.slice(0, NAMES_SHOWN).join(', ');
    const hidden = card.names.length - NAMES_SHOWN;
    const names = hidden > 0 ? `${shown} +${String(hidden)}` : shown;
    return t('contacts.preview.several', { names, size });
  }
  // One top-level name: a folder when it holds more than one file or any folder (IPMsg counts a
  // folder item in `folders`; PacketChat counts the files inside it).
  if (card.files > 1 || card.folders > 0)
    return card.files === 0
      ? t('contacts.preview.folderOnly', { name })
      : t('contacts.preview.folder', { name, count: card.files });
  return t(PICTURE.test(name) ? 'contacts.preview.picture' : 'contacts.preview.file', {
    name,
    size,
  });
}

/** A message as the contact list shows it, without the "Me: " or writer in front. */
export function messagePreview(t: TFunction, message: ChatMessage, locale: string): string {
  if (message.file !== undefined) return fileCardPreview(t, message.file, locale);
  return message.text.slice(0, PREVIEW_CHARS);
}
