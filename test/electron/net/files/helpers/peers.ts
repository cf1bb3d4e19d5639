/**
 * Engine endpoints for tests: each peer has a plain TCP data channel on 127.0.0.1, a control
 * endpoint on a shared ControlHub, and a store; `restart()` closes the engine and builds a new one
 * on the same store, as a restarted app would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileEngine, type FileEngine } from '../../../../../electron/net/files/engine';
import type { FileEngineOptions } from '../../../../../electron/net/files/engine-types';
import {
  createPlainTcpChannel,
  type PeerAddress,
  type PlainTcpChannel,
} from '../../../../../electron/net/files/plain-tcp-channel';
import type { DataChannel, TransferStore } from '../../../../../electron/net/files/ports';
import { MemoryTransferStore } from '../../../../../electron/net/files/memory-store';
import type { TransferInfo, TransferState } from '../../../../../shared/files/types';
import { ControlHub } from './control-hub';

export type EngineTweaks = Omit<Partial<FileEngineOptions>, 'control' | 'data' | 'store'> & {
  /** Wraps the data channel (to slow it down, count bytes, …). */
  readonly wrapData?: (channel: DataChannel) => DataChannel;
};

export class TestPeer {
  engine!: FileEngine;
  channel!: PlainTcpChannel;

  constructor(
    readonly id: string,
    private readonly net: TestNet,
    readonly store: TransferStore,
    private tweaks: EngineTweaks,
  ) {}

  async start(tweaks: EngineTweaks = this.tweaks): Promise<this> {
    this.tweaks = tweaks;
    this.channel = createPlainTcpChannel({
      localPeerId: this.id,
      resolve: (peerId) => this.net.addresses.get(peerId),
    });
    this.net.addresses.set(this.id, await this.channel.listen());
    const data = tweaks.wrapData ? tweaks.wrapData(this.channel) : this.channel;
    const { wrapData: _wrap, ...options } = tweaks;
    this.engine = createFileEngine({
      reconnectInitialMs: 50,
      reconnectMaxMs: 500,
      ...options,
      control: this.net.hub.endpoint(this.id),
      data,
      store: this.store,
    });
    this.engine.start();
    return this;
  }

  async stop(): Promise<void> {
    this.net.hub.detach(this.id);
    this.net.addresses.delete(this.id);
    await this.engine.close();
    await this.channel.close();
  }

  async restart(tweaks: EngineTweaks = this.tweaks): Promise<this> {
    await this.stop();
    return this.start(tweaks);
  }

  /** The next `transfer` event whose transfer matches. */
  waitFor(
    predicate: (t: TransferInfo) => boolean,
    timeoutMs = 10_000,
    what = 'transfer event',
  ): Promise<TransferInfo> {
    const engine = this.engine;
    return new Promise((resolve, reject) => {
      const now = engine.list().find(predicate);
      if (now !== undefined) {
        resolve(now);
        return;
      }
      const timer = setTimeout(() => {
        engine.off('transfer', listener);
        reject(new Error(`${this.id}: timed out waiting for ${what}`));
      }, timeoutMs);
      function listener(t: TransferInfo): void {
        if (!predicate(t)) return;
        clearTimeout(timer);
        engine.off('transfer', listener);
        resolve(t);
      }
      engine.on('transfer', listener);
    });
  }

  waitState(id: string, state: TransferState, timeoutMs = 10_000): Promise<TransferInfo> {
    return this.waitFor((t) => t.id === id && t.state === state, timeoutMs, `${id} ${state}`);
  }

  waitOffer(timeoutMs = 10_000): Promise<TransferInfo> {
    return this.waitFor(
      (t) => t.direction === 'receive' && t.state === 'offered',
      timeoutMs,
      'an offer',
    );
  }
}

export class TestNet {
  readonly hub = new ControlHub();
  readonly addresses = new Map<string, PeerAddress>();
  private readonly peers: TestPeer[] = [];
  private readonly dirs: string[] = [];

  async peer(id: string, tweaks: EngineTweaks = {}, store?: TransferStore): Promise<TestPeer> {
    const peer = new TestPeer(id, this, store ?? new MemoryTransferStore(), tweaks);
    this.peers.push(peer);
    return peer.start();
  }

  tempDir(prefix = 'pc-files-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async close(): Promise<void> {
    for (const peer of this.peers.splice(0)) await peer.stop().catch(() => undefined);
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
