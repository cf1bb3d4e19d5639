import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLaunchOptions } from '../../../electron/shell/launch-options';

describe('readLaunchOptions', () => {
  it('reads ports, peers and broadcast among Electron and Chromium switches', () => {
    const argv = [
      '/usr/bin/electron',
      '.',
      '--no-sandbox',
      '--server-port=8100',
      '--client-port',
      '4100',
      '--peer',
      '10.0.0.2',
      '--peer=10.0.0.3:4001',
      '--broadcast',
      '10.0.1.255',
      '--ipmsg-encoding=cp932',
    ];
    expect(readLaunchOptions(argv, {})).toEqual({
      profile: {},
      node: {
        serverPort: 8100,
        clientPort: 4100,
        peers: ['10.0.0.2', '10.0.0.3:4001'],
        broadcast: ['10.0.1.255'],
      },
      ipmsg: { encoding: 'cp932' },
    });
    expect(readLaunchOptions(['--no-ipmsg'], {}).ipmsg).toEqual({ enabled: false });
  });

  it('falls back to the environment for ports, flags winning', () => {
    const env = { PACKET_CHAT_SERVER_PORT: '8200', PACKET_CHAT_CLIENT_PORT: '4200' };
    expect(readLaunchOptions(['--client-port=4300'], env).node).toEqual({
      serverPort: 8200,
      clientPort: 4300,
    });
  });

  it('takes --profile NAME or --data-dir DIR', () => {
    expect(readLaunchOptions(['--profile', 'work'], {}).profile).toEqual({ name: 'work' });
    expect(readLaunchOptions(['--data-dir=/tmp/pc'], {}).profile).toEqual({ dataDir: '/tmp/pc' });
    expect(readLaunchOptions(['--data-dir', 'rel'], {}).profile).toEqual({
      dataDir: path.resolve('rel'),
    });
  });

  it.each([
    ['--server-port=0'],
    ['--server-port=65536'],
    ['--client-port=4x'],
    ['--server-port'],
    ['--profile', '../../etc'],
    ['--profile'],
    ['--profile=a', '--data-dir=/tmp/b'],
    ['--peer=example.com'],
    ['--broadcast=10.0.0'],
  ])('rejects %s', (...argv) => {
    expect(() => readLaunchOptions(argv, {})).toThrow(
      expect.objectContaining({
        code: 'bad-launch-option',
      }),
    );
  });
});
