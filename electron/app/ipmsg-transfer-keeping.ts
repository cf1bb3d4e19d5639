// What makes an IPMsg transfer look and last like a PacketChat one (docs/IPMSG.md, "In the app"):
// its record in `transfers` (migration 7, beside the file engine's rows) so it survives a restart,
// and its card in the conversation (a message with `file`, the card PacketChat offers show as).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage, FileCard } from '../../shared/domain';
import type { EventSink } from '../../shared/ipc/contract';
import { MAX_RENAMED_INSIDE } from '../../shared/files/limits';
import { PATH_ISSUE_REASONS } from '../../shared/files/types';
import { showableName } from '../../shared/files/card';
import { TRANSFER_STATES } from '../../shared/transfers';
import { IPMSG_EPOCH } from '../net/index';
import { IPMSG_CARD_CONTROL } from '../store/ipmsg-store';
import type { Store } from '../store/store';

/** Names a card keeps (FileCard: at most 20). */
const MAX_CARD_NAMES = 20;
const MAX_ITEMS = 256; // the module's MAX_FILES_PER_OFFER

/**
 * A stored record, checked as it is read back. Built at its first use (`z.lazy`): a node that has
 * no IPMsg transfer to read back never builds its 45 schema objects (docs/BENCHMARKS.md, "Seventh
 * pass: idle CLI memory").
 */
const recordSchema = z.lazy(() =>
  z.object({
    id: z.string().max(1_024),
    peerId: z.string().max(1_024),
    direction: z.enum(['receive', 'send']),
    state: z.enum(TRANSFER_STATES),
    reason: z.enum(['files-failed', 'refused']).optional(),
    dir: z.string().max(65_536).optional(),
    createdAt: z.number(),
    updatedAt: z.number(),
    slots: z
      .array(
        z.object({
          fileId: z.number().int().nonnegative(),
          name: z.string().max(4_096),
          kind: z.enum(['file', 'folder', 'other']),
          size: z.number().nonnegative(),
          /** Seconds, as the sender wrote it (received offers: needed to know the offer again). */
          mtime: z.number().optional(),
          bytesDone: z.number().nonnegative(),
          state: z.enum(['pending', 'active', 'done', 'failed']),
          path: z.string().max(65_536).optional(),
          /** A received folder: the names inside it saved under another name (rename-log.ts). */
          renamedInside: z
            .object({
              names: z
                .array(
                  z.object({
                    path: z.string().max(65_536),
                    reasons: z
                      .array(z.enum(PATH_ISSUE_REASONS))
                      .max(PATH_ISSUE_REASONS.length)
                      .readonly(),
                    renamedTo: z.string().max(65_536).optional(),
                  }),
                )
                .max(MAX_RENAMED_INSIDE)
                .readonly(),
              more: z.number().int().nonnegative(),
            })
            .optional(),
        }),
      )
      .min(1)
      .max(MAX_ITEMS),
  }),
);

export type IpmsgTransferRecord = z.infer<typeof recordSchema>;
export type IpmsgSlotRecord = IpmsgTransferRecord['slots'][number];

/** The route's durable side; `save` is durable on return and throws when it cannot store. */
export interface IpmsgTransferRecords {
  save(record: IpmsgTransferRecord): void;
  /** Every readable record, oldest first (a damaged row is skipped). */
  load(): IpmsgTransferRecord[];
}

/** An IPMsg offer's card in its conversation: stored as a message and shown. */
export interface IpmsgCards {
  /** An offer reached us: a received message that is its card. */
  received(offer: {
    readonly peerId: string;
    readonly packetNo: number;
    readonly at: number;
    readonly remote: string;
    readonly card: FileCard;
  }): void;
  /** We offered files: the message that carried the offer shows as its card. */
  sent(message: ChatMessage, card: FileCard): void;
}

/** The card of an IPMsg offer: its items' names, how many files and folders, their bytes. */
export function ipmsgCard(
  transferId: string,
  items: readonly { readonly name: string; readonly kind: string; readonly size: number }[],
): FileCard {
  return {
    transferId,
    names: items.slice(0, MAX_CARD_NAMES).map((i) => showableName(i.name)),
    files: items.filter((i) => i.kind !== 'folder').length,
    folders: items.filter((i) => i.kind === 'folder').length,
    bytes: items.reduce((sum, i) => sum + i.size, 0),
  };
}

export function storeTransferRecords(store: Store): IpmsgTransferRecords {
  return {
    save(record) {
      store.ipmsg.saveTransfer(
        record.id,
        record.peerId,
        record.state,
        record.updatedAt,
        JSON.stringify(record),
      );
    },
    load() {
      return store.ipmsg.listTransfers().flatMap(({ id, data }) => {
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          return []; // a damaged row: that transfer is forgotten, its card says so
        }
        const parsed = recordSchema.safeParse(json);
        return parsed.success && parsed.data.id === id ? [parsed.data] : [];
      });
    },
  };
}

/**
 * Cards stored in the profile's messages (control `ipmsg-file`, the card as `file_card`) and sent
 * to the renderer as `message` events, after the event of the offer's own text (the module
 * reports the offer before the text that came with it).
 */
export function storeCards(
  store: Store,
  emit: EventSink,
  onStorageError: (error: unknown) => void,
): IpmsgCards {
  return {
    received({ peerId, packetNo, at, remote, card }) {
      const message: ChatMessage = {
        id: `ipm-card-${randomBytes(9).toString('base64url')}`,
        peerId,
        direction: 'in',
        text: card.names.join(', '),
        transport: 'udp',
        state: 'received',
        seq: packetNo,
        sentAt: at,
        receivedAt: at,
        remote,
        file: card,
      };
      try {
        store.insertIncoming({
          id: message.id,
          peerId,
          epoch: IPMSG_EPOCH,
          seq: packetNo,
          text: message.text,
          transport: message.transport,
          sentAt: at,
          receivedAt: at,
          remote,
          held: false,
          control: { name: IPMSG_CARD_CONTROL, card },
        });
      } catch (error) {
        onStorageError(error); // shown all the same; it will not be in the history
      }
      queueMicrotask(() => {
        emit('message', message);
        try {
          emit('unread', { total: store.reads.unreadTotal() });
        } catch {
          // The session closed within the turn: nobody is listening any more.
        }
      });
    },
    sent(message, card) {
      try {
        store.ipmsg.setCard(message.id, card);
      } catch (error) {
        onStorageError(error);
      }
      emit('message', { ...message, text: card.names.join(', '), file: card });
    },
  };
}

/**
 * A transfer as it stands when the app starts again. An offer to us waits as it was (IPMsg
 * senders serve an offer until it is released). A download the restart cut short failed: the
 * items it had not finished are failed, and Retry fetches them again. An offer of ours is no
 * longer served (the module forgets its offers when it stops): cancelled.
 */
export function afterRestart(record: IpmsgTransferRecord, now: number): IpmsgTransferRecord {
  const cut = record.state === 'accepted' || record.state === 'active';
  if (record.direction === 'receive' && cut)
    return {
      ...record,
      state: 'failed',
      reason: 'files-failed',
      updatedAt: now,
      slots: record.slots.map((s) => (s.state === 'done' ? s : { ...s, state: 'failed' })),
    };
  if (record.direction === 'send' && (cut || record.state === 'offered'))
    return { ...record, state: 'cancelled', updatedAt: now };
  return record;
}
