import type { RenameLog } from './rename-log';
import type { TransferProgress } from './types';

const EVERY_MS = 250;

type Base = Omit<
  TransferProgress,
  'state' | 'bytes' | 'total' | 'error' | 'restarted' | 'renamedInside'
>;

/** Progress events of one transfer: running (at most every 250 ms), then done or failed once. */
export class TransferReport {
  private lastAt = -Infinity;
  private ended = false;
  restarted = false;
  /** A folder's names saved under another name: reported with its end (done or failed). */
  renames: RenameLog | undefined;

  constructor(
    private readonly base: Base,
    private readonly total: number,
    private readonly now: () => number,
    private readonly emit: (progress: TransferProgress) => void,
  ) {}

  running(bytes: number): void {
    const now = this.now();
    if (this.ended || now - this.lastAt < EVERY_MS) return;
    this.lastAt = now;
    this.emit({ ...this.base, ...this.flags(), state: 'running', bytes, total: this.total });
  }

  done(bytes: number, path?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit({
      ...this.base,
      ...this.flags(),
      ...this.renamed(),
      ...(path === undefined ? {} : { path }),
      state: 'done',
      bytes,
      total: this.total,
    });
  }

  failed(bytes: number, error: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit({
      ...this.base,
      ...this.flags(),
      ...this.renamed(),
      state: 'failed',
      bytes,
      total: this.total,
      error,
    });
  }

  private flags(): { restarted?: boolean } {
    return this.restarted ? { restarted: true } : {};
  }

  private renamed(): Pick<TransferProgress, 'renamedInside'> {
    const renamedInside = this.renames?.snapshot();
    return renamedInside === undefined ? {} : { renamedInside };
  }
}
