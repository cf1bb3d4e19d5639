// What a typed line does in the terminal chat: a command (/peers, /to, /history, …) or a message
// to the selected peer. Each command answers with the text to print, or nothing.
import type { ChatMessage, GroupInfo } from '../../shared/domain';
import { isIpmsgPeerId } from '../../shared/ipmsg-id';
import { mentionables, mentionedIds } from '../../shared/mentions';
import { MAX_NICK_LENGTH } from '../../shared/protocol/constants';
import { groupConversationId } from '../../shared/protocol/groups';
import { isNodeId } from '../../shared/protocol/relay';
import { CallError, type Call } from './call';
import {
  groupLabel,
  groupsList,
  messageLine,
  nameOf,
  peerLabel,
  peersList,
  type MessageContext,
  type Ui,
} from './format';
import type { GroupDirectory } from './group-directory';
import {
  looksLikeId,
  namesText,
  offerFor,
  shortId,
  splitWords,
  transferFor,
  transfersList,
  typedPath,
  whatText,
} from './interactive-files';
import type { PeerDirectory } from './peer-directory';
import { safeName } from './terminal-text';

export const HISTORY_DEFAULT = 20;
/** The contract's bound on one history page (shared/ipc/schemas.ts). */
const HISTORY_MAX = 500;

/** The chat's state as commands see it. */
export interface ChatContext {
  readonly ui: Ui;
  readonly directory: PeerDirectory;
  readonly groups: GroupDirectory;
  readonly call: Call;
  /** This node's id, once the node said it (a group text's @mentions leave it out). */
  readonly selfId: () => string | undefined;
  /** The selected conversation: a peer id, or a stranger's IP:PORT. */
  readonly current: () => string | undefined;
  select(to: string): void;
  /** A message we sent, so its delivery line can name it by its first words. */
  remember(message: ChatMessage): void;
  quit(): void;
  /** Where typed paths start (the node's working directory), and what `~` is. */
  readonly cwd: string;
  readonly home: string;
}

type Command = (ctx: ChatContext, arg: string) => Promise<string | undefined> | string | undefined;

const COMMANDS: Readonly<Record<string, Command>> = {
  '/quit': (ctx) => {
    ctx.quit();
    return undefined;
  },
  '/exit': (ctx) => {
    ctx.quit();
    return undefined;
  },
  '/help': (ctx) => ctx.ui.t('help'),
  '/peers': (ctx) => peersList(ctx.ui, ctx.directory.peers(), ctx.current()),
  '/to': selectPeer,
  '/groups': (ctx) => groupsList(ctx.ui, ctx.groups.list(), ctx.current()),
  '/newgroup': newGroup,
  '/invite': invite,
  '/leave': leaveGroup,
  '/add': async (ctx, arg) => {
    if (isNodeId(arg)) {
      await ctx.call('directory:add', { nodeId: arg });
      return ctx.ui.t('seeking', { id: arg });
    }
    const added = await ctx.call('contacts:add', { address: arg });
    return ctx.ui.t('announced', { address: `${added.address}:${String(added.port)}` });
  },
  '/find': async (ctx, arg) => {
    const entries = await ctx.call('directory:search', { query: arg, limit: 50 });
    if (entries.length === 0) return ctx.ui.t('directoryEmpty');
    return entries
      .map((entry, i) =>
        ctx.ui.t('directoryEntry', {
          n: i + 1,
          nick: safeName(entry.nick),
          id: entry.nodeId,
          state: entry.online === true ? 'online' : entry.online === false ? 'offline' : '',
        }),
      )
      .join('\n');
  },
  '/nick': async (ctx, arg) => {
    if (arg === '') return problem(ctx.ui, ctx.ui.t('nickNeeded'));
    const settings = await ctx.call('settings:set', { nick: arg });
    return ctx.ui.t('nickNow', { nick: safeName(settings.nick) });
  },
  '/history': history,
  '/send': sendFiles,
  '/accept': acceptOffer,
  '/decline': transferStep('decline'),
  '/cancel': transferStep('cancel'),
  '/pause': transferStep('pause'),
  '/resume': transferStep('resume'),
  '/transfers': async (ctx) =>
    transfersList(ctx.ui, await ctx.call('files:list', undefined), (id) => peerName(ctx, id)),
};

/** Runs one typed line (trimmed, not empty); resolves with what to print. */
export async function runLine(ctx: ChatContext, line: string): Promise<string | undefined> {
  const [, word = '', arg = ''] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  try {
    if (word.startsWith('@')) return await sendTo(ctx, word.slice(1), arg);
    // `#team text` goes to a group only when it names one; else the line is an ordinary message.
    if (word.startsWith('#') && ctx.groups.find(word.slice(1)).kind === 'group')
      return await sendTo(ctx, word, arg);
    if (word.startsWith('/')) {
      const command = COMMANDS[word.toLowerCase()];
      if (command === undefined)
        return problem(ctx.ui, ctx.ui.t('unknownCommand', { command: safeName(word) }));
      return await command(ctx, arg.trim());
    }
    const current = ctx.current();
    if (current === undefined) return problem(ctx.ui, ctx.ui.t('nobodySelected'));
    await send(ctx, current, line);
    return undefined;
  } catch (error) {
    return problem(ctx.ui, explain(ctx.ui, error, subjectOf(ctx, word, arg)));
  }
}

/** What a failed line was about: the peer of `@peer`, a command's argument, or the selected peer. */
function subjectOf(ctx: ChatContext, word: string, arg: string): string {
  if (word.startsWith('@')) return word.slice(1);
  if (word.startsWith('#')) return word;
  if (word.startsWith('/')) return arg.trim();
  const current = ctx.current() ?? '';
  return ctx.directory.get(current)?.nick ?? ctx.groups.ofConversation(current)?.name ?? current;
}

function problem(ui: Ui, text: string): string {
  return ui.paint('red', text);
}

/** A failed call in words, with a hint; never a raw `Error: …`. */
function explain(ui: Ui, error: unknown, subject: string): string {
  const { t } = ui;
  if (!(error instanceof CallError))
    return t('failedCall', {
      message: safeName(error instanceof Error ? error.message : String(error)),
    });
  const { code, reason, field, message } = error.error;
  if (reason === 'unknown-peer') return t('noSuchPeer', { ref: safeName(subject) });
  if (reason === 'too-long') return t('tooLong');
  if (reason === 'not-allowed') return t('notAllowed', { message: safeName(message) });
  if (field === 'address') return t('badAddress', { address: safeName(subject) });
  if (field === 'nick') return t('badNick', { max: MAX_NICK_LENGTH });
  if (code === 'unavailable' && reason === undefined) return t('notRunning');
  return t('failedCall', { message: safeName(message) });
}

async function send(ctx: ChatContext, to: string, text: string): Promise<void> {
  const group = ctx.groups.ofConversation(to);
  const mentions = group === undefined ? [] : mentionsIn(ctx, group, text);
  ctx.remember(
    await ctx.call('messages:send', {
      peerId: to,
      text,
      ...(mentions.length === 0 ? {} : { mentions }),
    }),
  );
}

/**
 * The members a group text @mentions, as the composer finds them (shared/mentions.ts): `@NAME`,
 * or `@NAME#1a2b` where two members share a name; never this node itself. Typed by hand, so in
 * any case.
 */
function mentionsIn(ctx: ChatContext, group: GroupInfo, text: string): string[] {
  const self = ctx.selfId();
  const others = group.members
    .filter((m) => m.id !== self)
    .map((m) => ({ id: m.id, name: ctx.directory.get(m.id)?.nick.toLocaleLowerCase() ?? '' }))
    .filter((m) => m.name !== '');
  return mentionedIds(text.toLocaleLowerCase(), mentionables(others));
}

/** What a message's line says besides its sender: its group, and whether it mentions me. */
export function contextOf(
  ctx: Pick<ChatContext, 'groups' | 'selfId'>,
  message: ChatMessage,
): MessageContext {
  const group = ctx.groups.ofConversation(message.peerId);
  if (group === undefined && message.group === undefined) return {};
  const self = ctx.selfId();
  return {
    group: group ?? { name: message.group?.groupId.slice(0, 8) ?? '' },
    mentionsMe: self !== undefined && (message.group?.mentions ?? []).includes(self),
  };
}

/** The group a `#reference` (without its `#`) names, or the line that explains why there is none. */
function findGroup(ctx: ChatContext, ref: string): GroupInfo | string {
  const { t } = ctx.ui;
  const found = ctx.groups.find(ref);
  switch (found.kind) {
    case 'group':
      return found.group;
    case 'ambiguous':
      return problem(
        ctx.ui,
        t('ambiguousGroup', {
          ref: safeName(ref),
          list: found.matches.map((g) => groupLabel(g)).join(', '),
        }),
      );
    case 'none':
      return problem(ctx.ui, t('noSuchGroup', { ref: safeName(ref) }));
  }
}

/** The conversation a reference names, or the line that explains why there is none. */
function target(ctx: ChatContext, ref: string): { to: string; label: string } | string {
  const { t } = ctx.ui;
  if (ref.startsWith('#')) {
    const group = findGroup(ctx, ref.slice(1));
    return typeof group === 'string'
      ? group
      : { to: groupConversationId(group.id), label: groupLabel(group) };
  }
  const found = ctx.directory.find(ref);
  switch (found.kind) {
    case 'contact':
      return { to: found.contact.id, label: peerLabel(ctx.ui, found.contact) };
    case 'stranger':
      return { to: found.to, label: `${t('stranger')} ${safeName(found.to)}` };
    case 'ambiguous':
      return problem(
        ctx.ui,
        t('ambiguousPeer', {
          ref: safeName(ref),
          list: found.matches.map((c) => peerLabel(ctx.ui, c)).join(', '),
        }),
      );
    case 'none':
      return problem(ctx.ui, t('noSuchPeer', { ref: safeName(ref) }));
  }
}

function selectPeer(ctx: ChatContext, ref: string): string {
  const found = target(ctx, ref);
  if (typeof found === 'string') return found;
  ctx.select(found.to);
  return ctx.ui.t('talkingTo', { peer: found.label });
}

async function sendTo(ctx: ChatContext, ref: string, text: string): Promise<string | undefined> {
  const found = target(ctx, ref);
  if (typeof found === 'string') return found;
  if (text.trim() !== '') await send(ctx, found.to, text);
  return undefined;
}

/** The PacketChat peers that typed references name, or the line that explains the first miss. */
function membersOf(ctx: ChatContext, refs: readonly string[]): string[] | string {
  const ids: string[] = [];
  for (const ref of refs) {
    const found = target(ctx, ref);
    if (typeof found === 'string') return found;
    if (!isNodeId(found.to))
      return problem(ctx.ui, ctx.ui.t('notAMemberKind', { ref: safeName(ref) }));
    ids.push(found.to);
  }
  return ids;
}

/** `/newgroup NAME PEER…`: makes a group of me and the peers, and selects it. */
async function newGroup(ctx: ChatContext, arg: string): Promise<string> {
  const [name, ...refs] = splitWords(arg);
  if (name === undefined || name.trim() === '') return problem(ctx.ui, ctx.ui.t('newGroupUsage'));
  const members = membersOf(ctx, refs);
  if (typeof members === 'string') return members;
  const group = await ctx.call('groups:create', { name, members });
  ctx.groups.set(group);
  ctx.select(groupConversationId(group.id));
  return ctx.ui.t('talkingTo', { peer: groupLabel(group) });
}

/** The selected conversation's group, or the line that says to select one. */
function selectedGroup(ctx: ChatContext): GroupInfo | string {
  const group = ctx.groups.ofConversation(ctx.current() ?? '');
  return group ?? problem(ctx.ui, ctx.ui.t('needGroup'));
}

/** `/invite PEER…`: adds the peers to the selected group (an admin's right). */
async function invite(ctx: ChatContext, arg: string): Promise<undefined | string> {
  const group = selectedGroup(ctx);
  if (typeof group === 'string') return group;
  const refs = splitWords(arg);
  if (refs.length === 0) return problem(ctx.ui, ctx.ui.t('inviteUsage'));
  const members = membersOf(ctx, refs);
  if (typeof members === 'string') return members;
  for (const member of members)
    ctx.groups.set(await ctx.call('groups:add', { groupId: group.id, member }));
  return undefined; // the group event says what changed
}

/** `/leave [#GROUP]`: leaves that group, or the selected one. */
async function leaveGroup(ctx: ChatContext, arg: string): Promise<undefined | string> {
  const group = arg === '' ? selectedGroup(ctx) : findGroup(ctx, arg.replace(/^#/, ''));
  if (typeof group === 'string') return group;
  ctx.groups.set(await ctx.call('groups:leave', { groupId: group.id }));
  return undefined;
}

async function history(ctx: ChatContext, arg: string): Promise<string> {
  const { t } = ctx.ui;
  const count = arg === '' ? HISTORY_DEFAULT : Number(arg);
  if (!Number.isInteger(count) || count < 1 || count > HISTORY_MAX)
    return problem(ctx.ui, t('historyCount', { max: HISTORY_MAX }));
  const current = ctx.current();
  if (current === undefined) return problem(ctx.ui, t('nobodySelected'));
  const page = await ctx.call('messages:history', { peerId: current, limit: count });
  const contact = ctx.directory.get(current);
  const group = ctx.groups.ofConversation(current);
  const name =
    contact !== undefined
      ? peerLabel(ctx.ui, contact)
      : group !== undefined
        ? groupLabel(group)
        : safeName(current);
  if (page.messages.length === 0) return t('historyNone', { peer: name });
  return [
    ctx.ui.paint('dim', t('historyHeader', { count: page.messages.length, peer: name })),
    ...page.messages.map((m) =>
      messageLine(ctx.ui, m, ctx.directory.get(m.group?.sender ?? m.peerId), contextOf(ctx, m)),
    ),
  ].join('\n');
}

/**
 * A peer's name for a line, or the start of its id when it is not in the directory (an IPMsg
 * peer's id, `ipmsg:IP`, whole: it is its address).
 */
export function peerName(ctx: Pick<ChatContext, 'ui' | 'directory'>, id: string): string {
  const contact = ctx.directory.get(id);
  if (contact !== undefined) return nameOf(ctx.ui, contact);
  return safeName(isIpmsgPeerId(id) ? id : id.slice(0, 12));
}

/** `/send PATH [PATH…]`: offers files and folders to the selected peer. */
async function sendFiles(ctx: ChatContext, arg: string): Promise<string> {
  const { t } = ctx.ui;
  const words = splitWords(arg);
  if (words.length === 0) return problem(ctx.ui, t('sendNeedsPaths'));
  const current = ctx.current();
  if (current === undefined) return problem(ctx.ui, t('nobodySelected'));
  const paths = words.map((w) => typedPath(w, ctx.cwd, ctx.home));
  const transfer = await ctx.call('files:send', { peerId: current, paths });
  return ctx.ui.paint(
    'dim',
    t('offerOut', {
      peer: peerName(ctx, current),
      what: whatText(ctx.ui, transfer),
      names: namesText(transfer),
      id: shortId(transfer.id),
    }),
  );
}

/** `/accept [ID] [DIR]`: the newest offer waiting by default, into DIR or here. */
async function acceptOffer(ctx: ChatContext, arg: string): Promise<string | undefined> {
  const { t } = ctx.ui;
  const words = splitWords(arg);
  const ref =
    words.length >= 2 || (words[0] !== undefined && looksLikeId(words[0])) ? words[0] : undefined;
  const rest = ref === undefined ? words : words.slice(1);
  if (rest.length > 1) return problem(ctx.ui, t('acceptUsage'));
  const found = offerFor(await ctx.call('files:list', undefined), ref);
  if (!found.ok) {
    if (found.problem === 'none') return problem(ctx.ui, t('noOffer'));
    const key = found.problem === 'ambiguous' ? 'ambiguousTransfer' : 'noSuchTransfer';
    return problem(ctx.ui, t(key, { ref: safeName(ref ?? '') }));
  }
  const dir = typedPath(rest[0] ?? '.', ctx.cwd, ctx.home);
  await ctx.call('files:accept', { id: found.transfer.id, dir });
  return undefined; // the transfer's own line says it was accepted, and where to
}

type TransferStep = 'decline' | 'cancel' | 'pause' | 'resume';

/**
 * `/decline ID`, `/cancel ID`, `/pause ID`, `/resume ID`: ID as /transfers shows it. The transfer's
 * own event prints the declined, cancelled or paused line; a resumed one says so here, since its
 * next event is a progress bar.
 */
function transferStep(step: TransferStep): Command {
  return async (ctx, arg) => {
    const { t } = ctx.ui;
    const words = splitWords(arg);
    const [ref] = words;
    if (ref === undefined || words.length > 1)
      return problem(ctx.ui, t('stepUsage', { command: `/${step}` }));
    const found = transferFor(await ctx.call('files:list', undefined), ref);
    if (!found.ok)
      return problem(
        ctx.ui,
        t(found.problem === 'ambiguous' ? 'ambiguousTransfer' : 'unknownTransfer', {
          ref: safeName(ref),
        }),
      );
    const id = found.transfer.id;
    switch (step) {
      case 'decline':
        await ctx.call('files:decline', { id });
        return undefined;
      case 'cancel':
        await ctx.call('files:cancel', { id });
        return undefined;
      case 'pause':
        await ctx.call('files:pause', { id });
        return undefined;
      case 'resume': {
        const resumed = await ctx.call('files:resume', { id });
        return ctx.ui.paint('dim', t('resumedLine', { names: namesText(resumed) }));
      }
    }
  };
}
