/**
 * The card a conversation shows for a file offer (shared/domain.ts FileCard), read from the
 * offer's control message as it travelled (docs/PROTOCOL.md, "Control messages"). The names are
 * the sender's, so control and invisible format characters are taken out before anyone shows
 * them (`photo\u202Egnp.exe` must not read `photoexe.png`).
 */
import type { FileCard } from '../domain';
import { parseControlMessage } from './control';

// eslint-disable-next-line no-control-regex
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f]|\p{Cf}/gu;

/** A name as a card shows it: one line, nothing invisible, never empty. */
export function showableName(name: string): string {
  const clean = name.replace(UNSHOWABLE, '').trim();
  return clean === '' ? '_' : clean;
}

/** The card of a control message's body (its JSON text), or undefined when it is no offer. */
export function fileCardOf(body: string): FileCard | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = parseControlMessage(json);
  if (!parsed.ok || parsed.value.type !== 'file-offer') return undefined;
  const { transfer, summary } = parsed.value;
  return {
    transferId: transfer,
    names: summary.names.map(showableName),
    files: summary.files,
    folders: summary.folders,
    bytes: summary.bytes,
  };
}
