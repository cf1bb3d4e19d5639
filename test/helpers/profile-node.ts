/**
 * A built CLI node (`--json`) on a profile of its own (`--data-dir`), which a test can SIGKILL and
 * start again on the same profile: same identity, same history, same transfers. For the file
 * tests that kill either side in the middle of a transfer.
 */
import type { TransferInfo } from '../../shared/files/types';
import { startCliNode, type CliEventOf, type CliNode } from './cli-node';

export interface ProfileNodeOptions {
  readonly label: string;
  /** The profile: identity, SQLite store, settings. Kept across restarts; the test removes it. */
  readonly dataDir: string;
  /** XDG_CONFIG_HOME, shared by restarts (the test removes it). */
  readonly configHome: string;
  /** Flags besides `--json --data-dir DIR --nick LABEL`. */
  readonly args?: readonly string[];
  readonly netns?: string;
}

type TransferEvent = CliEventOf<'transfer'>;

export class ProfileNode {
  /** The running process (the latest one after a restart). */
  node: CliNode;
  /** How many times start() ran, the first start included. */
  starts = 0;
  nodeId = '';

  constructor(private readonly options: ProfileNodeOptions) {
    this.node = this.spawn();
  }

  private spawn(): CliNode {
    this.starts += 1;
    const { label, dataDir, configHome, args = [], netns } = this.options;
    return startCliNode({
      label: `${label}#${this.starts}`,
      configHome,
      args: ['--nick', label, '--data-dir', dataDir, ...args],
      ...(netns === undefined ? {} : { netns }),
    });
  }

  /** Waits for the running process to be ready. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const ready = await this.node.ready(timeoutMs);
    if (this.nodeId !== '' && ready.nodeId !== this.nodeId) {
      throw new Error(`${this.options.label} came back as ${ready.nodeId}, not ${this.nodeId}`);
    }
    this.nodeId = ready.nodeId;
  }

  /** SIGKILL, then a new process on the same profile, ready. */
  async killAndRestart(): Promise<void> {
    await this.kill();
    this.node = this.spawn();
    await this.ready();
  }

  async kill(): Promise<void> {
    await this.node.kill('SIGKILL');
  }

  /** Starts a new process when the last one was killed. */
  async restart(): Promise<void> {
    if (!this.node.hasExited) throw new Error(`${this.options.label} is still running`);
    this.node = this.spawn();
    await this.ready();
  }

  /** The first `transfer` line of the running process for `id` that satisfies `predicate`. */
  transfer(
    id: string,
    predicate: (t: TransferInfo) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<TransferEvent> {
    return this.node.waitForType(
      'transfer',
      (e) => e.transfer.id === id && predicate(e.transfer),
      timeoutMs,
      what,
    );
  }

  stop(): Promise<unknown> {
    return this.node.stop();
  }
}
