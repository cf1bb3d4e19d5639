import { describe, expect, it } from 'vitest';
import {
  flagsAfterStart,
  MALLOC_TUNABLES,
  RELAUNCHED,
  relaunchPlan,
  V8_FLAGS,
  V8_FLAGS_AFTER_START,
  type StartedAs,
} from '../../../electron/cli/start-settings';

const NODE = '/opt/node/bin/node';
const SCRIPT = '/opt/pc/dist-cli/packet-chat.js';

function started(overrides: Partial<StartedAs> = {}): StartedAs {
  return {
    execPath: NODE,
    execArgv: [],
    argv: [NODE, SCRIPT, '--json', '--nick', 'two words'],
    env: { PATH: '/bin' },
    platform: 'linux',
    nodeVersion: '24.21.0',
    entry: SCRIPT,
    ...overrides,
  };
}

describe('relaunchPlan', () => {
  it('runs the same script again with the V8 flags and the malloc tunables, arguments unchanged', () => {
    expect(relaunchPlan(started())).toEqual({
      args: [NODE, ...V8_FLAGS, SCRIPT, '--json', '--nick', 'two words'],
      env: { PATH: '/bin', GLIBC_TUNABLES: MALLOC_TUNABLES, [RELAUNCHED]: '1' },
    });
  });

  it('never plans a second run: the node run again starts as it is', () => {
    const again = relaunchPlan(started());
    expect(again).toBeDefined();
    const [execPath, ...rest] = again!.args;
    const script = rest.indexOf(SCRIPT);
    const second = started({
      execPath: execPath!,
      execArgv: rest.slice(0, script),
      argv: [execPath!, ...rest.slice(script)],
      env: again!.env,
    });
    expect(relaunchPlan(second)).toBeUndefined();
    // The mark alone is enough, whatever else the environment says.
    expect(relaunchPlan(started({ env: { [RELAUNCHED]: '1' } }))).toBeUndefined();
  });

  it("keeps Node's own flags after ours, and a caller's tunables after ours, so theirs win", () => {
    const plan = relaunchPlan(
      started({
        execArgv: ['--import', 'tsx', '--stack-size=2000'],
        env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=8' },
      }),
    );
    expect(plan?.args).toEqual([
      NODE,
      ...V8_FLAGS,
      '--import',
      'tsx',
      '--stack-size=2000',
      SCRIPT,
      '--json',
      '--nick',
      'two words',
    ]);
    expect(plan?.env['GLIBC_TUNABLES']).toBe(`${MALLOC_TUNABLES}:glibc.malloc.arena_max=8`);
  });

  it('adds only what is missing, and starts as it is when everything is in effect', () => {
    const own = [`${V8_FLAGS[0]!.split('=')[0]!}=500`, '--sparkplug'];
    const tuned = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' };
    expect(relaunchPlan(started({ execArgv: own, env: tuned }))).toBeUndefined();
    expect(relaunchPlan(started({ execArgv: own }))?.args).toEqual([
      NODE,
      ...own,
      SCRIPT,
      '--json',
      '--nick',
      'two words',
    ]);
    expect(relaunchPlan(started({ env: tuned }))?.env['GLIBC_TUNABLES']).toBe(tuned.GLIBC_TUNABLES);
  });

  it("recognises a caller's value of a flag however it is written, and adds the others", () => {
    const [maglev, sparkplug] = V8_FLAGS;
    expect(sparkplug).toBe('--no-sparkplug');
    for (const own of ['--sparkplug', '--no_sparkplug', '--no-sparkplug'])
      expect(relaunchPlan(started({ execArgv: [own] }))?.args).toEqual([
        NODE,
        maglev,
        own,
        SCRIPT,
        '--json',
        '--nick',
        'two words',
      ]);
  });

  it('sets the tunables only on Linux, and the V8 flags only on the Node they were measured on', () => {
    expect(relaunchPlan(started({ platform: 'darwin' }))?.env['GLIBC_TUNABLES']).toBeUndefined();
    expect(relaunchPlan(started({ platform: 'darwin', nodeVersion: '26.0.0' }))).toBeUndefined();
    expect(relaunchPlan(started({ nodeVersion: '26.0.0' }))?.args).toEqual([
      NODE,
      SCRIPT,
      '--json',
      '--nick',
      'two words',
    ]);
  });

  it('starts as it is without a script (node -e)', () => {
    expect(relaunchPlan(started({ argv: [NODE] }))).toBeUndefined();
  });

  it('runs the entry again, not the bin that required it: its checks are done', () => {
    const bin = '/opt/pc/bin/packet-chat.js';
    expect(relaunchPlan(started({ argv: [NODE, bin, '--json'] }))?.args).toEqual([
      NODE,
      ...V8_FLAGS,
      SCRIPT,
      '--json',
    ]);
  });
});

describe('flagsAfterStart', () => {
  it('sets the V8 flags back once started, only when this node was run again with ours', () => {
    const marked = { [RELAUNCHED]: '1' };
    expect(flagsAfterStart([...V8_FLAGS, '--import', 'tsx'], marked)).toEqual(V8_FLAGS_AFTER_START);
    // A caller's own flag of the same name stays as the caller set it.
    expect(flagsAfterStart(['--invocation-count-for-maglev=500'], marked)).toEqual([]);
    expect(flagsAfterStart(['--import', 'tsx', ...V8_FLAGS], marked)).toEqual([]);
    expect(flagsAfterStart([...V8_FLAGS], {})).toEqual([]);
  });

  it('sets back only the flags this node was run again with, each to its own default', () => {
    const marked = { [RELAUNCHED]: '1' };
    expect(V8_FLAGS_AFTER_START).toHaveLength(V8_FLAGS.length);
    expect(flagsAfterStart([...V8_FLAGS], marked)).toEqual([
      '--invocation-count-for-maglev=400',
      '--sparkplug',
    ]);
    // The caller gave its own Maglev count: the run again added only --no-sparkplug, first.
    expect(
      flagsAfterStart(['--no-sparkplug', '--invocation-count-for-maglev=500'], marked),
    ).toEqual(['--sparkplug']);
    expect(flagsAfterStart([V8_FLAGS[0]!, '--sparkplug'], marked)).toEqual([
      '--invocation-count-for-maglev=400',
    ]);
  });
});
