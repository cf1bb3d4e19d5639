// The settings the command-line node starts with, and whether it must run itself again to get
// them (launch.ts does; docs/BENCHMARKS.md, "Issue 18, sixth pass: idle CLI memory").

/**
 * glibc's malloc, as the node wants it (Linux only; musl and other C libraries ignore the
 * variable):
 * - `mmap_threshold` fixed at glibc's default, 128 KiB. By default glibc raises its thresholds to
 *   twice the largest block it freed after mapping it on its own: Node reads the 0.9 MB bundle
 *   into such a block, so up to 3.7 MiB of free heap stayed with the idle node.
 * - `arena_max=2`: V8's and libuv's threads otherwise each get an arena that keeps free memory of
 *   its own.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=2';

/**
 * V8 flags, only on the V8 they were measured on (Node 24): an unknown V8 flag stops Node at once
 * ("bad option", exit 9). Each holds only while the node starts (V8_FLAGS_AFTER_START sets it
 * back): kept for the whole run, they would slow a busy node.
 * - `--invocation-count-for-maglev=3000`: Maglev, V8's mid-tier compiler, otherwise compiles
 *   functions that start-up calls 400 times (Node's module loader, zod's schema builders), and its
 *   code pages in the `node` binary then stay resident: 1.5-2 MiB for an idle node. Only the
 *   command line sets it in time (`v8.setFlagsFromString` before the node loads saves nothing);
 *   kept, it made message RTT about 1.5-2x.
 * - `--no-sparkplug`: V8's baseline compiler otherwise compiles the start-up code that runs a few
 *   times (module set-up, schema builders, migrations) into code the idle node keeps: about
 *   0.4 MiB (docs/BENCHMARKS.md, "Seventh pass on issue 18: idle CLI memory"). Functions that
 *   run often after start-up are compiled as before once it is set back.
 */
export const V8_FLAGS: readonly string[] = ['--invocation-count-for-maglev=3000', '--no-sparkplug'];
/**
 * What each of V8_FLAGS is set back to once start-up has settled (V8's defaults on Node 24), in
 * the same order, so a busy node's hot paths are compiled as early as without them.
 */
export const V8_FLAGS_AFTER_START: readonly string[] = [
  '--invocation-count-for-maglev=400',
  '--sparkplug',
];
const V8_FLAGS_NODE_MAJOR = 24;

/** Set in the environment of the node run again: it never runs itself a third time. */
export const RELAUNCHED = 'PACKET_CHAT_RELAUNCHED';

/** What this process is: the parts of `process` the decision reads. */
export interface StartedAs {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  /** `process.argv`: Node, the script, then the node's own arguments. */
  readonly argv: readonly string[];
  /**
   * What to run again: the entry file itself. When bin/packet-chat.js required it, the script in
   * argv is the bin, whose checks (Node's version, a stale build) are done already.
   */
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  /** `process.versions.node`. */
  readonly nodeVersion: string;
}

/** How to run the node again: `process.execve(execPath, args, env)`. */
export interface Relaunch {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The flag's name, `--name` of `--name=value`, `--no-name` and `--no_name`, so a caller's own value
 * of a flag is recognised whichever way it is written.
 */
const flagName = (flag: string): string =>
  (flag.split('=')[0] ?? flag).replaceAll('_', '-').replace(/^--no-/, '--');

/**
 * How to run this node again with the start-up settings, or undefined to start as it is: when
 * it was run again already, when it was not started from a script (`node -e`), or when every
 * setting is in effect. Everything else is passed on unchanged: Node's own flags (after ours, so
 * a caller's value of the same flag wins), the node's arguments, the environment. A caller's own
 * GLIBC_TUNABLES comes after ours, so its values win too (glibc reads the list in order).
 */
export function relaunchPlan(started: StartedAs): Relaunch | undefined {
  if (started.env[RELAUNCHED] !== undefined) return undefined;
  if (started.argv[1] === undefined) return undefined;
  const given = new Set(started.execArgv.map(flagName));
  const flags =
    Number(started.nodeVersion.split('.')[0]) === V8_FLAGS_NODE_MAJOR
      ? V8_FLAGS.filter((flag) => !given.has(flagName(flag)))
      : [];
  const tunables = started.env['GLIBC_TUNABLES'] ?? '';
  const tune = started.platform === 'linux' && !tunables.includes('glibc.malloc.mmap_threshold=');
  if (flags.length === 0 && !tune) return undefined;
  const env: NodeJS.ProcessEnv = { ...started.env, [RELAUNCHED]: '1' };
  if (tune)
    env['GLIBC_TUNABLES'] = tunables === '' ? MALLOC_TUNABLES : `${MALLOC_TUNABLES}:${tunables}`;
  return {
    args: [
      started.execPath,
      ...flags,
      ...started.execArgv,
      started.entry,
      ...started.argv.slice(2),
    ],
    env,
  };
}

/**
 * The V8 flags to set once start-up has settled: for each of V8_FLAGS this node was run again with
 * (they come first on its command line, in their order), its V8_FLAGS_AFTER_START; none when a
 * caller set them itself.
 */
export function flagsAfterStart(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (env[RELAUNCHED] === undefined) return [];
  const after: string[] = [];
  V8_FLAGS.forEach((flag, i) => {
    const back = V8_FLAGS_AFTER_START[i];
    if (execArgv[after.length] === flag && back !== undefined) after.push(back);
  });
  return after;
}
