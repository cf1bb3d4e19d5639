// What BR_ENTRY, ANSENTRY and BR_ABSENCE say about their sender: nickname in the body, group in
// the first NUL section (IP Messenger's "extended group"); iptux adds icon and encoding sections,
// IP Messenger 3+ adds a UTF-8 copy of the names ("\nUN:user\nHN:host\nNN:nick\nGN:group").
import type { PeerStatus } from '../../../shared/domain';
import type { IpmsgPacket } from './codec';
import { Option } from './constants';
import type { IpmsgBadge, IpmsgClient } from './types';

export interface Announce {
  readonly version: string;
  readonly user: string;
  readonly host: string;
  readonly nick: string;
  readonly group: string;
  readonly status: PeerStatus;
  readonly absence: string | undefined;
  readonly utf8Capable: boolean;
  readonly fileAttach: boolean;
}

const MAX_LABEL_CHARS = 64;
const utf8 = new TextDecoder('utf-8');

export function readAnnounce(packet: IpmsgPacket, decode: (bytes: Uint8Array) => string): Announce {
  const client = clientOf(packet.version);
  const extension = utf8Extension(packet);
  const user = label(extension.get('UN') ?? decode(packet.user));
  const host = label(extension.get('HN') ?? decode(packet.host));
  const rawNick = extension.get('NN') ?? decode(packet.body);
  const group = label(extension.get('GN') ?? decode(packet.sections[0] ?? new Uint8Array(0)));
  // iptux sets ABSENCEOPT on every entry, answer and absence packet: it has no absence mode.
  const absent = client !== 'iptux' && (packet.options & Option.ABSENCEOPT) !== 0;
  const { nick, absence } = splitAbsence(label(rawNick), absent);
  return {
    version: packet.version,
    user,
    host,
    nick: nick === '' ? user : nick,
    group,
    status: absent ? statusOfAbsence(absence) : 'online',
    absence,
    utf8Capable: (packet.options & (Option.CAPUTF8OPT | Option.UTF8OPT)) !== 0,
    fileAttach: (packet.options & Option.FILEATTACHOPT) !== 0,
  };
}

export function clientOf(version: string): IpmsgClient {
  if (/iptux/i.test(version)) return 'iptux';
  if (/^1_lbt/i.test(version)) return 'feiq';
  if (version.startsWith('1_pchat')) return 'pchat';
  return 'ipmsg';
}

export function badgeOf(client: IpmsgClient): IpmsgBadge {
  return client === 'feiq' ? 'FeiQ' : 'IPMsg';
}

/** IP Messenger shows absence as `nick[Absence text]`; the text says away or busy. */
function splitAbsence(
  nick: string,
  absent: boolean,
): { nick: string; absence: string | undefined } {
  const match = /^(.*?)\s*\[([^\]]*)\]$/.exec(nick);
  if (!absent || match === null) return { nick, absence: absent ? '' : undefined };
  return { nick: (match[1] ?? '').trim(), absence: match[2] ?? '' };
}

function statusOfAbsence(absence: string | undefined): PeerStatus {
  return absence !== undefined && /busy|忙|取り込み|会議|meeting/i.test(absence) ? 'busy' : 'away';
}

function utf8Extension(packet: IpmsgPacket): Map<string, string> {
  const found = new Map<string, string>();
  if ((packet.options & (Option.CAPUTF8OPT | Option.UTF8OPT)) === 0) return found;
  for (const section of packet.sections) {
    const text = utf8.decode(section);
    if (!/^\n?UN:/.test(text)) continue;
    for (const line of text.split('\n')) {
      const match = /^(UN|HN|NN|GN):(.*)$/.exec(line.trim());
      if (match?.[1] !== undefined) found.set(match[1], match[2] ?? '');
    }
  }
  return found;
}

/** No control characters, bounded: nicknames and hosts go straight to the UI. */
export function label(text: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return Array.from(cleaned).slice(0, MAX_LABEL_CHARS).join('');
}
