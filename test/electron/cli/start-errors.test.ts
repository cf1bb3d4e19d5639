import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../electron/cli/args';
import { translator } from '../../../electron/cli/i18n';
import { startProblem } from '../../../electron/cli/start-errors';
import { BindError } from '../../../electron/net/index';
import { StoreError } from '../../../electron/store/errors';

const t = translator('en');
const options = parseCliArgs(['--server-port', '18000', '--client-port', '14000']).options;
const errno = (code: string) => Object.assign(new Error(`bind ${code} 0.0.0.0:18000`), { code });

describe('startProblem', () => {
  it.each([
    [
      new BindError('server-port-in-use', 'x', { cause: errno('EADDRINUSE') }),
      'UDP port 18000 is in use by another program. Start with --server-port N to use another port.',
    ],
    [
      new BindError('no-free-client-port', 'x'),
      'No free client port from 14000 to 14099. Start with --client-port N to try other ports.',
    ],
    [
      new BindError('bind-failed', 'x', { cause: errno('EADDRNOTAVAIL') }),
      'Cannot open the network ports (EADDRNOTAVAIL). Try other ones with --server-port N and --client-port N.',
    ],
    [
      new StoreError('profile-locked', 'x'),
      'The profile "default" is in use by another running copy. Start with --profile NAME to use another profile.',
    ],
    [
      new StoreError('newer-schema', 'written by a newer PacketChat'),
      'Could not start: written by a newer PacketChat',
    ],
  ])('%s', (error, text) => {
    expect(startProblem(t, error, options)).toBe(text);
  });

  it('names the locked profile, and keeps control characters off the terminal', () => {
    const named = parseCliArgs(['--data-dir', '/tmp/p\x1b[2J']).options;
    expect(startProblem(t, new StoreError('profile-locked', 'x'), named)).toMatch(
      /^The profile "\/tmp\/p\\x1b\[2J" is in use/,
    );
    expect(startProblem(translator('zh-CN'), new Error('boom\x07'), options)).toBe(
      '无法启动：boom\\x07',
    );
  });
});
