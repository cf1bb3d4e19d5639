// The friendly terminal chat: a transport over the same call handlers as --json mode. Contract
// events become lines (format.ts), typed lines become calls (interactive-commands.ts).
import { homedir } from 'node:os';
import type { ChatMessage, Contact, PeerChange } from '../../shared/domain';
import type { EventChannel, EventPayloads, SelfInfo } from '../../shared/ipc/contract';
import { assertNever } from '../../shared/assert-never';
import { callerFor, type Call } from './call';
import {
  greeting,
  groupChangeLine,
  groupLabel,
  keyChangedLine,
  messageLine,
  nameOf,
  peerLabel,
  noticeLine,
  peerChangeLine,
  stateLine,
  strangerLine,
  warningLine,
  type Ui,
} from './format';
import { GroupDirectory } from './group-directory';
import { contextOf, peerName, runLine, type ChatContext } from './interactive-commands';
import { TransferLinesPrinter } from './interactive-files';
import { LOOPBACK_BROADCAST, otherCopyNoter, usesLoopbackFallback } from './notes';
import { PeerDirectory } from './peer-directory';
import type { TerminalOutput } from './terminal-output';
import { safeName } from './terminal-text';
import type { CliTransport } from './transport';

export interface InteractiveOptions {
  readonly output: TerminalOutput;
  readonly ui: Ui;
  /** --broadcast was given, so discovery did not fall back to loopback by itself. */
  readonly broadcastGiven: boolean;
  /** With no peer online this long after the start, a hint says how to find one. */
  readonly hintAfterMs: number;
  /** Where typed paths start (default: the working directory), and `~` (default: the home). */
  readonly cwd?: string;
  readonly home?: string;
  /** The clock that spaces progress bars (default Date.now). */
  readonly now?: () => number;
}

/** Sent messages remembered for their delivery lines; older ones are named by a lookup. */
const REMEMBERED = 1_000;

/** Sets `key` in a map that keeps only the REMEMBERED newest entries (the oldest go first). */
function setRemembered<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  for (const old of map.keys()) {
    if (map.size <= REMEMBERED) break;
    map.delete(old);
  }
}

type AnyEvent = { [K in EventChannel]: { event: K; payload: EventPayloads[K] } }[EventChannel];

export function createInteractive(options: InteractiveOptions): CliTransport {
  const { output } = options;
  const directory = new PeerDirectory();
  const groups = new GroupDirectory();
  const ui: Ui = { ...options.ui, tagOf: (id) => directory.tag(id) };
  const sentTexts = new Map<string, string>();
  /** A group message's last waiting line, so a tally that did not change is not said again. */
  const waitingSaid = new Map<string, string>();
  const otherCopy = otherCopyNoter();
  let self: SelfInfo | undefined;
  let current: string | undefined;
  let call: Call | undefined;
  const transferLines = new TransferLinesPrinter(ui, output, options.now ?? Date.now);

  const select = (to: string): void => {
    current = to;
    const contact = directory.get(to);
    const group = groups.ofConversation(to);
    const label =
      contact !== undefined
        ? nameOf(ui, contact)
        : group !== undefined
          ? groupLabel(group)
          : safeName(to);
    output.setPrompt(`${label}> `);
  };
  const groupContext = { groups, selfId: () => self?.nodeId };

  function onSelf(info: SelfInfo): void {
    const first = self === undefined;
    self = info;
    directory.setSelfNick(info.nick);
    if (!first) return;
    output.print(greeting(ui, info));
    if (usesLoopbackFallback(info, options.broadcastGiven))
      output.print(ui.paint('yellow', ui.t('loopbackDiscovery', { address: LOOPBACK_BROADCAST })));
    setTimeout(() => {
      if (!directory.hasOnlinePeer()) output.print(ui.paint('yellow', ui.t('discoveryHint')));
    }, options.hintAfterMs).unref();
    output.prompt();
  }

  function onContact(payload: EventPayloads['contact']): void {
    const { kind, change: what, peer, previous } = payload;
    if (payload.mergedInto !== undefined) {
      // An IPMsg peer that is a PacketChat peer too: shown once, as the PacketChat peer.
      directory.remove(peer.id);
      if (current === peer.id) select(payload.mergedInto);
      return;
    }
    const change: PeerChange =
      previous === undefined ? { change: what, peer } : { change: what, peer, previous };
    const contact: Contact = { ...peer, kind };
    const before = directory.set(contact);
    if (kind === 'stranger') {
      if (current === undefined) select(contact.id);
      output.print(strangerLine(ui, contact));
      return;
    }
    const line = peerChangeLine(ui, change, before);
    if (line !== undefined) output.print(line);
    if (self !== undefined && otherCopy(self, change.peer))
      output.print(ui.paint('yellow', otherCopyLine(self, contact)));
    if (current === undefined ? contact.online : current === contact.id) select(contact.id);
  }

  function otherCopyLine(me: SelfInfo, peer: Contact): string {
    return ui.t('otherCopy', {
      peer: peerLabel(ui, peer),
      server: me.serverPort,
      port: me.clientPort,
      address: safeName(me.address),
    });
  }

  function onState(change: EventPayloads['message-state']): void {
    const group = groups.ofConversation(change.peerId);
    if (group !== undefined && change.state === 'pending') {
      const waiting = change.recipients?.waiting.join(',') ?? '';
      if (waitingSaid.get(change.id) === waiting) return;
      setRemembered(waitingSaid, change.id, waiting);
    }
    const print = (text: string | undefined): void => {
      const line = stateLine(
        ui,
        change,
        text,
        directory.get(change.peerId),
        group === undefined
          ? undefined
          : { info: group, nameOf: (id) => peerName({ ui, directory }, id) },
      );
      if (line !== undefined) output.print(line);
    };
    const known = sentTexts.get(change.id);
    if (known !== undefined || call === undefined || change.state === 'sending') {
      print(known);
      return;
    }
    // Sent before this run (the outbox survives restarts): find its text in the history.
    call('messages:history', { peerId: change.peerId, limit: 200 }).then(
      (page) => print(page.messages.find((m) => m.id === change.id)?.text),
      () => print(undefined),
    );
  }

  function onEvent<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    const e = { event, payload } as AnyEvent;
    switch (e.event) {
      case 'self':
        onSelf(e.payload);
        return;
      case 'contact':
        onContact(e.payload);
        return;
      case 'message': {
        // A file offer is a message too (its card): its transfer's lines say it instead.
        if (e.payload.file !== undefined) return;
        // A group message shows its group and its writer (the conversation is the group).
        const from = e.payload.group?.sender ?? e.payload.peerId;
        output.print(
          messageLine(ui, e.payload, directory.get(from), contextOf(groupContext, e.payload)),
        );
        return;
      }
      case 'group':
        groups.set(e.payload.group);
        if (current !== undefined && groups.ofConversation(current)?.id === e.payload.group.id)
          select(current); // a rename shows in the prompt
        output.print(groupChangeLine(ui, e.payload));
        return;
      case 'batch':
        return; // each message of a multi-send has its own delivery line
      case 'message-state':
        onState(e.payload);
        return;
      case 'warning':
        output.print(warningLine(ui, e.payload));
        return;
      case 'key-changed':
        output.print(keyChangedLine(ui, e.payload, directory.get(e.payload.peer)));
        return;
      case 'notice':
        output.print(noticeLine(ui, e.payload));
        return;
      case 'packets':
      case 'counters':
      case 'unread':
      case 'open-conversation':
      case 'directory':
      case 'typing':
      case 'message-deleted':
      case 'mute':
        return; // the inspector's, the desktop's and the chat window's business; /find lists the directory
      case 'transfer':
        transferLines.onTransfer(e.payload, peerName({ ui, directory }, e.payload.transfer.peerId));
        return;
      case 'message-read':
        return; // no read notices in the terminal yet
      default:
        assertNever(e, 'event');
    }
  }

  const remember = (message: ChatMessage): void => {
    setRemembered(sentTexts, message.id, message.text);
  };

  return {
    emit: onEvent,
    run(handlers, lines, quit) {
      const caller = callerFor(handlers);
      call = caller;
      void caller('contacts:list').then(
        (list) => list.forEach((c) => directory.addKnown(c)),
        () => undefined, // the node did not start; main reports why
      );
      void caller('groups:list').then(
        (list) => list.forEach((g) => groups.addKnown(g)),
        () => undefined,
      );
      const ctx: ChatContext = {
        ui,
        directory,
        groups,
        selfId: groupContext.selfId,
        call: caller,
        current: () => current,
        select,
        remember,
        quit,
        cwd: options.cwd ?? process.cwd(),
        home: options.home ?? homedir(),
      };
      lines.on('line', (raw) => {
        const line = raw.trim();
        if (line === '') {
          output.prompt();
          return;
        }
        void runLine(ctx, line).then((reply) => {
          if (reply !== undefined) output.print(reply);
          output.prompt();
        });
      });
    },
  };
}
