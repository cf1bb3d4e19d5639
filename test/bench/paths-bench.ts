/**
 * The `paths` section: what a person waits for when the network misbehaves. UDP blocked with TCP
 * open, a partition healing, and a peer that stops answering. Runs paths-child.ts inside a network
 * namespace made here (its own loopback; nftables rules there do the blocking), and deletes the
 * namespace afterwards. Needs root, `ip` and `nft`; without them the section is skipped and says
 * why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findTool, TOOLS } from '../helpers/require-tool';
import type { PathsResult } from './paths-child';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./paths-child.ts', import.meta.url));

export type PathsOutcome = PathsResult | { readonly skipped: string };

export async function pathsBench(quick: boolean): Promise<PathsOutcome> {
  if (process.getuid?.() !== 0) return { skipped: 'needs root (network namespaces, nftables)' };
  for (const tool of [TOOLS.ip, TOOLS.nft]) {
    const found = findTool(tool);
    if (!found.ok) return { skipped: found.reason };
  }
  const netns = `pc-bench-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', netns], { timeout: 10_000 });
  try {
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up'], { timeout: 10_000 });
    const { stdout } = await run(
      'ip',
      [
        'netns',
        'exec',
        netns,
        process.execPath,
        '--import',
        'tsx',
        CHILD,
        netns,
        ...(quick ? ['--quick'] : []),
      ],
      { timeout: 120_000, maxBuffer: 1 << 20 },
    );
    const line = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(line) as PathsResult;
  } finally {
    execFileSync('ip', ['netns', 'del', netns], { timeout: 10_000 });
  }
}
