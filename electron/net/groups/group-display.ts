import type { ChatMessage } from '../../../shared/domain';
import type { StorageGuard } from '../storage-guard';
import type { Timers } from '../timers';
import type { GroupArchive, StoredPost } from './group-archive';
import type { Release } from './group-order';
import { isMember } from './group-rules';
import type { GroupRuntime } from './group-runtime';
import { postMessage } from './group-view';

/** We ask every member how far it is at most this often (when a message waits for repair). */
const ASK_EVERY_MS = 5_000;

export interface DisplayDeps {
  readonly archive: GroupArchive;
  readonly storage: StorageGuard;
  readonly timers: Timers;
  /** How long a message waits before other members are asked for what it waits for. */
  readonly repairMs: number;
  now(): number;
  message(message: ChatMessage): void;
  /** Asks every member online how far it is (repair). */
  askEveryone(rt: GroupRuntime): void;
}

/**
 * Puts what the display order releases into the conversation (stored position, then the
 * `message` event), and keeps one timer per group: the next wait that runs out, or the moment a
 * long wait makes us ask the other members for help.
 */
export class GroupDisplay {
  constructor(private readonly deps: DisplayDeps) {}

  show(rt: GroupRuntime, released: readonly Release<StoredPost>[]): void {
    const now = this.deps.now();
    for (const { post, gap } of released) {
      this.deps.storage.run('show a group message', () =>
        this.deps.archive.showPost(post.mid, now, gap),
      );
      // A mention counts when the writer's membership version lists the one mentioned.
      const at = rt.chain.at(post.v)?.body ?? rt.chain.winner.body;
      this.deps.message(
        postMessage(post, { receivedAt: now, gap, isMember: (id) => isMember(at, id) }),
      );
    }
    this.schedule(rt);
  }

  cancel(rt: GroupRuntime): void {
    if (rt.timer !== undefined) this.deps.timers.cancel(rt.timer);
    rt.timer = undefined;
  }

  private schedule(rt: GroupRuntime): void {
    this.cancel(rt);
    const deadline = rt.order.nextDeadline();
    const oldest = rt.order.oldestWaitingSince();
    if (deadline === undefined || oldest === undefined) return;
    const { repairMs } = this.deps;
    const askAt = Math.max(oldest + repairMs, rt.lastAskAt + ASK_EVERY_MS);
    const at = Math.min(deadline, askAt);
    rt.timer = this.deps.timers.after(Math.max(10, at - this.deps.now()), () => {
      rt.timer = undefined;
      const time = this.deps.now();
      // A message has waited long (for an earlier one of its writer): ask who has that one.
      if (
        time - (rt.order.oldestWaitingSince() ?? time) >= repairMs &&
        time - rt.lastAskAt >= ASK_EVERY_MS
      )
        this.deps.askEveryone(rt);
      this.show(rt, rt.order.tick(time));
    });
  }
}
