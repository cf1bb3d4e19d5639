import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  createNode,
  createNodeFileEngine,
  MemoryTransferStore,
  type NodeFileEngine,
  type PacketChatNode,
} from '../../electron/net/index';
import type { NodeFileEngineOptions } from '../../electron/net/file-wire';
import type { NodeOptions } from '../../electron/net/node-options';

/** A real protocol v2 node with its file engine (in-memory transfer store). */
export interface FileSide {
  readonly node: PacketChatNode;
  readonly files: NodeFileEngine;
}

/** Quick reconnects of a puller whose lane closed, for tests that break lanes on purpose. */
export const QUICK_RECONNECT = { reconnectInitialMs: 50, reconnectMaxMs: 500 } as const;

/**
 * Nodes with file engines for tests over real sockets, and temporary folders; everything is
 * closed or removed after each test, newest first. `cleanup` adds more (a broker, a spy) to the
 * same list.
 */
export function useFileSides(): {
  side(options: NodeOptions, engine?: Partial<NodeFileEngineOptions>): Promise<FileSide>;
  tempDir(prefix: string): string;
  cleanup(clean: () => Promise<void> | void): void;
} {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });
  return {
    async side(options, engine = {}) {
      const node = createNode(options);
      const files = createNodeFileEngine(node, { store: new MemoryTransferStore(), ...engine });
      cleanups.push(async () => {
        await files.close();
        await node.close();
      });
      await node.start();
      files.engine.start();
      return { node, files };
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    cleanup(clean) {
      cleanups.push(clean);
    },
  };
}
