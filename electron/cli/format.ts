// The terminal chat's lines, as pure functions of contract data. Every text that came from the
// network (nicks, host names, addresses, message bodies, warning texts) passes through
// terminal-text.ts here, before any colour of ours is added around it.
import type {
  ChatMessage,
  Contact,
  GroupChange,
  GroupInfo,
  MessageStateChange,
  PeerChange,
  PeerPath,
} from '../../shared/domain';
import type { EventPayloads, SelfInfo } from '../../shared/ipc/contract';
import { groupConversationId } from '../../shared/protocol/groups';
import { isStrangerId } from '../../shared/stranger-id';
import type { Translate } from './i18n';
import type { Paint } from './terminal-output';
import { taggedName } from '../../shared/names';
import { indentBody, safeName } from './terminal-text';

export interface Ui {
  readonly t: Translate;
  readonly paint: Paint;
  /** `HH:MM` of a time (local). */
  readonly clock: (ms: number) => string;
  /** The short fingerprint shown beside a name that looks like another (shared/names.ts). */
  readonly tagOf?: (id: string) => string | undefined;
}

/** Continuation lines of a message start under its text, past the `HH:MM ` of the header. */
const BODY_INDENT = '      ';
const SNIPPET_CHARS = 24;

export function hhmm(ms: number): string {
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

export const endpoint = (c: Pick<Contact, 'address' | 'port'>): string =>
  `${safeName(c.address)}:${String(c.port)}`;

/** A contact's nick, safe for the terminal, with its short fingerprint when it has a look-alike. */
export const nameOf = (ui: Ui, c: Pick<Contact, 'id' | 'nick'>): string =>
  taggedName(safeName(c.nick), ui.tagOf?.(c.id));

/** Where a contact is reached: its IP:port, or `via relay broker:port`. */
export const pathText = (
  ui: Ui,
  c: Pick<Contact, 'address' | 'port'> & { path?: PeerPath },
): string =>
  c.path?.kind === 'relay' ? ui.t('pathRelay', { broker: safeName(c.path.broker) }) : endpoint(c);

export const peerLabel = (
  ui: Ui,
  c: Pick<Contact, 'id' | 'nick' | 'address' | 'port'> & { path?: PeerPath },
): string => `${nameOf(ui, c)} ${pathText(ui, c)}`;

/** A message named by its first words (`lunch at noon?…`), never by its id. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= SNIPPET_CHARS) return safeName(flat);
  const cut = chars.slice(0, SNIPPET_CHARS).join('');
  // End at a word boundary when one is near; a long word (or CJK text) is cut where it is.
  const atWord = chars[SNIPPET_CHARS] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${safeName(atWord > cut.length / 2 ? cut.slice(0, atWord) : cut)}…`;
}

export function greeting(ui: Ui, self: SelfInfo): string {
  const { t } = ui;
  const sockets =
    self.tcpPort === null
      ? t('socketsNoTcp', { server: self.serverPort })
      : t('socketsWithTcp', { server: self.serverPort, tcp: self.tcpPort });
  const list = self.interfaces.map((i) => `${safeName(i.address)}:${String(self.clientPort)}`);
  return [
    t('greeting', { nick: ui.paint('bold', safeName(self.nick)), port: self.clientPort, sockets }),
    t('addresses', { list: list.join('  ') }),
    t('typeHelp'),
  ].join('\n');
}

/** The line for a change of a PacketChat peer (`before`: what was known of it), if any. */
export function peerChangeLine(
  ui: Ui,
  change: PeerChange,
  before: Contact | undefined,
): string | undefined {
  const { t, paint } = ui;
  const { peer, previous } = change;
  switch (change.change) {
    case 'added':
    case 'online':
      return paint(
        'green',
        t('peerOnline', { peer: peerLabel(ui, peer), host: safeName(peer.host) }),
      );
    case 'offline':
      return paint('dim', t('peerOffline', { peer: peerLabel(ui, peer) }));
    case 'moved':
      return previous === undefined
        ? undefined
        : t('peerMoved', {
            nick: nameOf(ui, peer),
            from: endpoint(previous),
            to: endpoint(peer),
          });
    case 'path':
      return t('peerPath', {
        nick: nameOf(ui, peer),
        path:
          peer.path.kind === 'relay'
            ? t('pathRelay', { broker: safeName(peer.path.broker) })
            : t('pathLan', { address: endpoint(peer) }),
      });
    case 'updated':
      return before === undefined || before.nick === peer.nick
        ? undefined
        : t('peerRenamed', { old: nameOf(ui, before), new: paint('bold', nameOf(ui, peer)) });
  }
}

export function strangerLine(ui: Ui, stranger: Contact): string {
  return ui.paint('yellow', ui.t('strangerWrote', { address: endpoint(stranger) }));
}

/** A group as the terminal names it: `#name`. */
export const groupLabel = (group: Pick<GroupInfo, 'name'>): string => `#${safeName(group.name)}`;

/** Where a message stands besides its sender: its group, and whether it @mentions this node. */
export interface MessageContext {
  readonly group?: Pick<GroupInfo, 'name'>;
  readonly mentionsMe?: boolean;
}

/**
 * `HH:MM [alice 192.168.1.5:4000] text`, continuation lines indented; in a group
 * `HH:MM [#team alice 192.168.1.5:4000] text`, and `@ you` after the header when it mentions me.
 */
export function messageLine(
  ui: Ui,
  message: ChatMessage,
  sender: Contact | undefined,
  context: MessageContext = {},
): string {
  const who =
    message.direction === 'out'
      ? `${ui.t('me')}${stateMark(message.state)}`
      : isStrangerId(message.peerId)
        ? `${ui.t('stranger')} ${safeName(message.remote)} · ${ui.t('notEncrypted')}`
        : `${sender === undefined ? '?' : nameOf(ui, sender)} ${safeName(message.remote)}`;
  const header = context.group === undefined ? who : `${groupLabel(context.group)} ${who}`;
  const colour = message.direction === 'out' ? 'dim' : 'cyan';
  const at = message.direction === 'out' ? message.sentAt : message.receivedAt;
  const mention = context.mentionsMe === true ? ` ${ui.paint('yellow', ui.t('mentionsYou'))}` : '';
  return `${ui.paint('dim', ui.clock(at))} ${ui.paint(colour, `[${header}]`)}${mention} ${indentBody(message.text, BODY_INDENT)}`;
}

function stateMark(state: ChatMessage['state']): string {
  if (state === 'delivered') return ' ✓';
  if (state === 'failed') return ' ✗';
  if (state === 'received') return '';
  return ' …';
}

/**
 * What became of a message we sent, named by its first words; nothing for `sending`. `peer` is the
 * one-to-one peer; for a group message `group` names the group, and `nameOf` the waiting members.
 */
export function stateLine(
  ui: Ui,
  change: MessageStateChange,
  text: string | undefined,
  peer: Contact | undefined,
  group?: { readonly info: Pick<GroupInfo, 'name'>; readonly nameOf: (id: string) => string },
): string | undefined {
  const { t, paint } = ui;
  const words = text === undefined ? t('someMessage') : snippet(text);
  const name =
    group !== undefined ? groupLabel(group.info) : peer === undefined ? '?' : nameOf(ui, peer);
  const tally = change.recipients;
  if (group !== undefined && tally !== undefined && change.state === 'pending') {
    return paint(
      'yellow',
      t('groupWaiting', {
        delivered: tally.delivered,
        total: tally.total,
        group: name,
        names: tally.waiting.map(group.nameOf).join(', '),
        text: words,
      }),
    );
  }
  switch (change.state) {
    case 'sending':
      return undefined;
    case 'delivered':
      return paint(
        'dim',
        t(isStrangerId(change.peerId) ? 'sentPlain' : 'delivered', { text: words }),
      );
    case 'pending':
      return paint('yellow', t('pending', { peer: name, text: words }));
    case 'held':
      return paint('yellow', t('held', { peer: name, text: words }));
    case 'cancelled':
      return paint('dim', t('cancelled', { text: words }));
    case 'failed':
      return paint('red', t('failed', { peer: name, text: words }));
  }
}

/** `1. #team, 3 members <` for each group, the selected one marked. */
export function groupsList(
  ui: Ui,
  groups: readonly GroupInfo[],
  current: string | undefined,
): string {
  const { t } = ui;
  if (groups.length === 0) return t('groupsNone');
  return groups
    .map((g, i) => {
      const status =
        g.status === 'left'
          ? `, ${ui.paint('dim', t('groupLeft'))}`
          : g.status === 'removed'
            ? `, ${ui.paint('dim', t('groupRemoved'))}`
            : '';
      const members = t('groupMembers', { count: g.members.length });
      return `${String(i + 1)}. ${groupLabel(g)}, ${members}${status}${current === groupConversationId(g.id) ? ' <' : ''}`;
    })
    .join('\n');
}

/** A group's membership changed (made here or by another member). */
export function groupChangeLine(ui: Ui, change: GroupChange): string {
  const { t } = ui;
  const what = {
    created: t('groupCreated'),
    joined: t('groupJoined'),
    updated: t('groupUpdated'),
    removed: t('groupRemoved'),
    left: t('groupLeft'),
  }[change.change];
  return ui.paint(
    'dim',
    t('groupChange', {
      group: groupLabel(change.group),
      change: what,
      count: change.group.members.length,
    }),
  );
}

export function keyChangedLine(
  ui: Ui,
  change: EventPayloads['key-changed'],
  peer: Contact | undefined,
): string {
  return ui.paint(
    'red',
    ui.t('keyChanged', {
      peer: peer === undefined ? safeName(change.peer) : nameOf(ui, peer),
      previous: safeName(change.previous),
      fingerprint: safeName(change.fingerprint),
    }),
  );
}

export function peersList(ui: Ui, peers: readonly Contact[], current: string | undefined): string {
  const { t } = ui;
  if (peers.length === 0) return t('noPeers');
  return peers
    .map((p, i) => {
      const state = p.online ? ui.paint('green', t('online')) : ui.paint('dim', t('offline'));
      const trust = trustMark(ui, p.trust);
      return `${String(i + 1)}. ${peerLabel(ui, p)} ${state}${trust}${p.id === current ? ' <' : ''}`;
    })
    .join('\n');
}

/** Said only when it is news: verified, or a key change waiting for the user. */
function trustMark(ui: Ui, trust: Contact['trust']): string {
  switch (trust) {
    case 'verified':
      return ` ${ui.paint('green', ui.t('verifiedMark'))}`;
    case 'key-changed':
      return ` ${ui.paint('red', ui.t('keyChangedMark'))}`;
    case 'not-encrypted':
      return ` ${ui.paint('yellow', ui.t('notEncrypted'))}`;
    case 'encrypted':
      return '';
  }
}

export function warningLine(ui: Ui, warning: EventPayloads['warning']): string {
  return ui.paint('dim', ui.t('warning', { message: safeName(warning.message) }));
}

export function noticeLine(ui: Ui, notice: EventPayloads['notice']): string {
  const colour = notice.level === 'info' ? 'dim' : 'yellow';
  return ui.paint(colour, ui.t('notice', { message: safeName(notice.message) }));
}
