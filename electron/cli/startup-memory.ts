import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { flagsAfterStart } from './start-settings';

/** After start-up has settled: the first announces are out, the node waits for peers. */
export const SETTLE_MS = 1_000;

/** V8's `gc()` with options (v8/src/extensions/gc-extension.cc). */
type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Gives back the memory start-up used and no longer needs: one full collection of the kind V8
 * runs before it gives up on an allocation ("last resort": it also shrinks the young generation
 * and returns free pages to the system). Start-up grows the young generation to several MiB while
 * modules load, and V8 does not shrink it again while the process idles: an idle node held about
 * 4 MiB more than it uses (docs/BENCHMARKS.md, "Idle CLI memory: start-up garbage"). Runs once,
 * 20-45 ms on a loaded machine; memory grows again only as the node works.
 *
 * `gc` is reached the way Node documents for `v8.setFlagsFromString`: the flag exposes it to
 * contexts made afterwards, here one `vm` context; the node's own global scope never gets it.
 */
export function releaseStartupMemory(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as Collect;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * Sets V8's flags back once start-up has settled, when launch.ts ran the node with V8_FLAGS
 * (start-settings.ts): they only have to hold while the node starts, and a busy node's hot paths
 * are then compiled as early as without them.
 */
export function settleStartFlags(): void {
  for (const flag of flagsAfterStart(process.execArgv, process.env)) setFlagsFromString(flag);
}
