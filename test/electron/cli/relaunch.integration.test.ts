/**
 * The node runs itself again, once, with its start-up settings (electron/cli/relaunch.ts): the
 * same process (pid, pipes, terminal, signals), its arguments unchanged, and never a third time.
 * Linux only: it reads the settings from /proc.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, RELAUNCHED, V8_FLAGS } from '../../../electron/cli/start-settings';
import { CLI_BUNDLE, startCliNode, type CliNode } from '../../helpers/cli-node';
import { CliTerminal } from '../../helpers/cli-terminal';
import { loopbackArgs, testPorts } from '../../helpers/ports';
import { findTool, requireOrSkip, TOOLS } from '../../helpers/require-tool';

const opened: (CliNode | CliTerminal)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.stop()));
});

/** The test runner's environment without the settings, whatever the caller had set. */
const withoutOurs = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== RELAUNCHED && name !== 'GLIBC_TUNABLES',
    ),
  );

function jsonNode(env: NodeJS.ProcessEnv, ...args: string[]): CliNode {
  const node = startCliNode({ args: [...loopbackArgs(testPorts()), ...args], env });
  opened.push(node);
  return node;
}

const cmdline = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
const environ = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').slice(0, -1);
const children = (pid: number): string =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();

describe.runIf(process.platform === 'linux')('the node run again with its settings', () => {
  it('is the process that was started, with the flags, the tunables and the same arguments', async () => {
    const node = jsonNode(withoutOurs(), '--nick', 'two words');
    expect((await node.ready()).nick).toBe('two words');
    const pid = node.pid!;
    const [execPath, ...rest] = cmdline(pid);
    expect(execPath).toBe(process.execPath);
    expect(rest.slice(0, V8_FLAGS.length)).toEqual(V8_FLAGS);
    const script = rest.indexOf(CLI_BUNDLE);
    expect(rest.slice(script + 1)).toContain('two words');
    // execve(): no second process holds the node.
    expect(children(pid)).toBe('');
    const env = environ(pid);
    expect(env).toContain(`${RELAUNCHED}=1`);
    // glibc rewrites the variable as it reads it: the threshold is the part that stays.
    const tunables = env.find((v) => v.startsWith('GLIBC_TUNABLES=')) ?? '';
    expect(tunables).toMatch(/^GLIBC_TUNABLES=glibc\.malloc\.mmap_threshold=131072\b/);
    expect(MALLOC_TUNABLES).toMatch(/^glibc\.malloc\.mmap_threshold=131072:/);
    // Its pipes are the ones it was started with.
    node.send({ cmd: 'info' });
    expect((await node.waitForType('info')).nick).toBe('two words');
  });

  it('passes SIGTERM through: the node quits cleanly', async () => {
    const node = jsonNode(withoutOurs());
    await node.ready();
    process.kill(node.pid!, 'SIGTERM');
    expect(await node.exited).toMatchObject({ code: 0, signal: null });
  });

  it('starts as it is when it was run again already (the mark), or when the settings are given', async () => {
    const marked = jsonNode({ ...withoutOurs(), [RELAUNCHED]: '1' });
    const given = jsonNode({
      ...withoutOurs(),
      GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536',
    });
    await Promise.all([marked.ready(), given.ready()]);
    expect(cmdline(marked.pid!)).not.toContain(V8_FLAGS[0]);
    // The tunables were given, the V8 flag was not: it was run again for the flag alone.
    expect(cmdline(given.pid!)).toContain(V8_FLAGS[0]);
    const tunables = environ(given.pid!).find((v) => v.startsWith('GLIBC_TUNABLES='));
    expect(tunables).toBe('GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536');
  });

  it('keeps its terminal: prompt, commands and Ctrl-C', async (ctx) => {
    requireOrSkip(ctx, findTool(TOOLS.script));
    const term = new CliTerminal({ args: loopbackArgs(testPorts()), pty: true });
    opened.push(term);
    await term.waitFor('Type /help', 'the greeting');
    const [node] = children(term.pid!).split(' ');
    expect(cmdline(Number(node))).toContain(V8_FLAGS[0]);
    expect(readlinkSync(`/proc/${node}/fd/0`)).toMatch(/^\/dev\/pts\//);
    term.type('/help\r');
    await term.waitFor('/quit', 'the help text');
    term.type('\x03');
    expect(await term.exited).toEqual({ code: 0, signal: null });
  });
});
