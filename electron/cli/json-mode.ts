// --json mode: a transport over the same call handlers that Electron IPC uses. Commands from
// stdin become calls (validated with the contract's schemas); contract events become the
// README's JSON events on stdout.
import path from 'node:path';
import type { Contact, PeerInfo } from '../../shared/domain';
import type { EventChannel, EventPayloads, IpcError, SelfInfo } from '../../shared/ipc/contract';
import { assertNever } from '../../shared/assert-never';
import { CallError, callerFor, type Call } from './call';
import { translator } from './i18n';
import {
  errorEvent,
  groupEvent,
  groupJson,
  messageEvent,
  parseCommand,
  peerJson,
  readyFields,
  statusEvent,
  type Command,
  type JsonEvent,
} from './json-protocol';
import { LOOPBACK_BROADCAST, otherCopyNoter, usesLoopbackFallback } from './notes';
import { TransferLines } from './transfer-lines';
import type { CliTransport } from './transport';
import { isNodeId } from '../../shared/protocol/relay';

export type Write = (event: JsonEvent) => void;

export interface JsonModeOptions {
  /** --broadcast was given, so discovery did not fall back to loopback by itself. */
  readonly broadcastGiven: boolean;
}

/** The JSON error code for a failed call: the node's reason, or what the contract code means here. */
function codeOf(error: IpcError): string {
  if (error.reason !== undefined) return error.reason;
  if (error.code !== 'invalid-argument') return error.code;
  if (error.field === 'address') return 'bad-address';
  if (error.field === 'nick') return 'bad-nick';
  return 'bad-command';
}

/** Notices in English: scripts match their `code`, people read the `message`. */
const english = translator('en');

/**
 * Warnings that are no error of the node: written as `notice`. (`ipmsg-port`: another program
 * has port 2425; this node runs on without the IPMsg bridge.)
 */
const NOTICE_WARNINGS: ReadonlySet<string> = new Set(['ipmsg-port']);

export function createJsonMode(write: Write, options: JsonModeOptions): CliTransport {
  const contacts = new Map<string, Contact>();
  const otherCopy = otherCopyNoter();
  let self: SelfInfo | undefined;
  const transfers = new TransferLines(write);
  /** Command answers: a transfer line only when that change was not written as an event. */
  const answer: Write = (event) => {
    if (event.type === 'transfer') transfers.answer(event);
    else write(event);
  };

  function onEvent<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    const e = { event, payload } as {
      [K in EventChannel]: { event: K; payload: EventPayloads[K] };
    }[EventChannel];
    switch (e.event) {
      case 'self':
        if (self === undefined) onReady(e.payload);
        else if (JSON.stringify(self.relays) !== JSON.stringify(e.payload.relays))
          write({ type: 'relay', relays: e.payload.relays });
        self = e.payload;
        return;
      case 'contact': {
        const { change, peer, kind, previous, previousPath, mergedInto } = e.payload;
        if (mergedInto !== undefined) {
          contacts.delete(peer.id);
          write({ type: 'peer', change, peer: peerJson(peer), mergedInto });
          return;
        }
        contacts.set(peer.id, peer);
        if (kind === 'stranger') {
          if (change === 'added')
            write({
              type: 'stranger',
              stranger: {
                id: peer.id,
                address: peer.address,
                port: peer.port,
                via: peer.via ?? 'client',
                firstSeen: peer.firstSeen,
                lastSeen: peer.lastSeen,
              },
            });
          return;
        }
        write({
          type: 'peer',
          change,
          peer: peerJson(peer),
          ...(previous === undefined ? {} : { previous }),
          ...(previousPath === undefined ? {} : { previousPath }),
        });
        if (self !== undefined && otherCopy(self, peer)) write(otherCopyNotice(self, peer));
        return;
      }
      case 'message':
        // A file offer we sent also comes as a message (its card): scripts get `transfer` lines.
        if (e.payload.direction === 'out' && e.payload.file !== undefined) return;
        write(messageEvent(e.payload, contacts.get(e.payload.group?.sender ?? e.payload.peerId)));
        return;
      case 'group':
        write(groupEvent(e.payload));
        return;
      case 'batch':
        write({ type: 'batch', batch: e.payload.batch, ...e.payload.tally });
        return;
      case 'message-state':
        write(statusEvent(e.payload));
        return;
      case 'warning':
        write({ type: 'warning', ...e.payload });
        return;
      case 'key-changed':
        write({ type: 'key-changed', ...e.payload });
        return;
      case 'message-read':
        write({
          type: 'message-read',
          id: e.payload.messageId,
          peer: e.payload.peerId,
          at: e.payload.at,
        });
        return;
      case 'transfer':
        transfers.event({ type: 'transfer', ...e.payload });
        return;
      case 'notice':
        if (e.payload.level === 'info' || NOTICE_WARNINGS.has(e.payload.code))
          write({ type: 'notice', code: e.payload.code, message: e.payload.message });
        else write(errorEvent(e.payload.message, e.payload.code));
        return;
      case 'directory':
        write({ type: 'listed', entry: e.payload });
        return;
      case 'packets':
      case 'counters':
      case 'unread':
      case 'open-conversation':
      case 'typing':
      case 'message-deleted':
      case 'mute':
        return; // the inspector's and the desktop's business; scripts ask for them
      default:
        assertNever(e, 'event');
    }
  }

  function onReady(info: SelfInfo): void {
    write({ type: 'ready', ...readyFields(info) });
    if (usesLoopbackFallback(info, options.broadcastGiven))
      write({
        type: 'notice',
        code: 'loopback-discovery',
        message: english('loopbackDiscovery', { address: LOOPBACK_BROADCAST }),
      });
  }

  return {
    emit: onEvent,
    run(handlers, lines, quit) {
      const call = callerFor(handlers);
      void call('contacts:list').then(
        (list) => {
          for (const contact of list)
            if (!contacts.has(contact.id)) contacts.set(contact.id, contact);
        },
        () => undefined, // the node did not start; that error is reported by main
      );
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        const parsed = parseCommand(line);
        if (!parsed.ok) {
          write(errorEvent(parsed.message, 'bad-command'));
          return;
        }
        runCommand(parsed.command, call, answer, quit).catch((error: unknown) => {
          if (error instanceof CallError)
            write(errorEvent(error.error.message, codeOf(error.error)));
          else write(errorEvent(error instanceof Error ? error.message : String(error), 'failed'));
        });
      });
    },
  };
}

function otherCopyNotice(self: SelfInfo, peer: PeerInfo): JsonEvent {
  return {
    type: 'notice',
    code: 'other-copy',
    message: english('otherCopy', {
      peer: `${peer.nick} ${peer.address}:${String(peer.port)}`,
      server: self.serverPort,
      port: self.clientPort,
      address: self.address,
    }),
  };
}

async function runCommand(
  command: Command,
  call: Call,
  write: Write,
  quit: () => void,
): Promise<void> {
  switch (command.cmd) {
    case 'send': {
      const sent = await call('messages:send', {
        peerId: command.to,
        text: command.text,
        ...(command.mentions === undefined ? {} : { mentions: command.mentions }),
      });
      write({ type: 'sent', id: sent.id, to: sent.peerId, transport: sent.transport });
      return;
    }
    case 'retry':
      await call('messages:retry', { messageId: command.id });
      write({ type: 'retried', id: command.id });
      return;
    case 'packets':
      write({
        type: 'packets',
        packets: await call('inspector:packets', { limit: command.limit ?? 2_000 }),
      });
      return;
    case 'sockets':
      write({ type: 'sockets', ...(await call('inspector:sockets', undefined)) });
      return;
    case 'peers': {
      const contacts = await call('contacts:list', undefined);
      write({ type: 'peers', peers: contacts.filter((c) => c.kind === 'peer').map(peerJson) });
      return;
    }
    case 'add': {
      if (isNodeId(command.address)) {
        await call('directory:add', { nodeId: command.address });
        write({ type: 'seeking', nodeId: command.address });
        return;
      }
      const { address, port } = await call('contacts:add', { address: command.address });
      write({ type: 'added', address, port });
      return;
    }
    case 'directory':
      write({
        type: 'directory',
        entries: await call('directory:search', { query: command.query, limit: command.limit }),
      });
      return;
    case 'info': {
      const self = await call('self:get', undefined);
      const { counters } = await call('inspector:sockets', undefined);
      write({ type: 'info', ...readyFields(self), counters });
      return;
    }
    case 'nick': {
      const settings = await call('settings:set', { nick: command.nick });
      write({ type: 'nick', nick: settings.nick });
      return;
    }
    case 'history': {
      const page = await call('messages:history', {
        peerId: command.with,
        limit: command.limit,
        ...(command.before === undefined ? {} : { before: command.before }),
      });
      write({ type: 'history', messages: page.messages, nextCursor: page.nextCursor });
      return;
    }
    case 'search':
      write({
        type: 'search',
        results: await call('messages:search', { query: command.query, limit: command.limit }),
      });
      return;
    case 'read': {
      const { peerId, unread } = await call('messages:markRead', { peerId: command.with });
      write({ type: 'read', with: peerId, unread });
      return;
    }
    case 'safety-number': {
      const { digits } = await call('contacts:safetyNumber', { peerId: command.peer });
      write({ type: 'safety-number', peer: command.peer, number: digits });
      return;
    }
    case 'verify':
      await call('contacts:verify', { peerId: command.peer, verified: true });
      write({ type: 'verified', peer: command.peer });
      return;
    case 'accept-key': {
      const { peerId } = await call('contacts:acceptKey', { peerId: command.peer });
      write({ type: 'key-accepted', peer: command.peer, to: peerId });
      return;
    }
    case 'send-many': {
      const sent = await call('messages:sendMany', { peerIds: command.to, text: command.text });
      write({
        type: 'sent-many',
        batch: sent.batch,
        messages: sent.messages.map((m) => ({ id: m.id, to: m.peerId })),
        failed: sent.failed.map((f) => ({ to: f.peerId, code: f.reason })),
        delivered: sent.tally.delivered,
        total: sent.tally.total,
      });
      return;
    }
    case 'groups':
      write({ type: 'groups', groups: (await call('groups:list', undefined)).map(groupJson) });
      return;
    // A change is answered by the `group` event it makes (written before the call returns).
    case 'group-create':
      await call('groups:create', { name: command.name, members: command.members });
      return;
    case 'group-add':
      await call('groups:add', { groupId: command.group, member: command.member });
      return;
    case 'group-remove':
      await call('groups:remove', { groupId: command.group, member: command.member });
      return;
    case 'group-leave':
      await call('groups:leave', { groupId: command.group });
      return;
    case 'group-rename':
      await call('groups:rename', { groupId: command.group, name: command.name });
      return;
    case 'group-admin':
      await call('groups:makeAdmin', { groupId: command.group, member: command.member });
      return;
    case 'group-deliveries':
      write({
        type: 'group-deliveries',
        id: command.id,
        deliveries: await call('groups:deliveries', { messageId: command.id }),
      });
      return;
    case 'send-file': {
      const paths = command.paths.map((p) => path.resolve(p));
      const transfer = await call('files:send', {
        peerId: command.to,
        paths,
        ...(command.force === undefined ? {} : { force: command.force }),
      });
      write({ type: 'transfer', transfer });
      return;
    }
    case 'accept': {
      const dir = path.resolve(command.dir);
      write({ type: 'transfer', transfer: await call('files:accept', { id: command.id, dir }) });
      return;
    }
    case 'decline':
      write({ type: 'transfer', transfer: await call('files:decline', { id: command.id }) });
      return;
    case 'cancel':
      write({ type: 'transfer', transfer: await call('files:cancel', { id: command.id }) });
      return;
    case 'pause':
      write({ type: 'transfer', transfer: await call('files:pause', { id: command.id }) });
      return;
    case 'resume':
      write({ type: 'transfer', transfer: await call('files:resume', { id: command.id }) });
      return;
    case 'retry-files':
      write({ type: 'transfer', transfer: await call('files:retry', { id: command.id }) });
      return;
    case 'transfers':
      write({ type: 'transfers', transfers: await call('files:list', undefined) });
      return;
    case 'files':
      write({
        type: 'files',
        id: command.id,
        files: await call('files:files', { id: command.id }),
      });
      return;
    case 'ipmsg-refresh':
      await call('ipmsg:refresh', undefined);
      write({ type: 'ipmsg-refreshed' });
      return;
    case 'quit':
      quit();
      return;
    default:
      assertNever(command, 'command');
  }
}
