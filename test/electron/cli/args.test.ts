import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../electron/cli/args';

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    const { options, errors } = parseCliArgs([]);
    expect(errors).toEqual([]);
    expect(options).toMatchObject({
      serverPort: 8000,
      clientPort: 4000,
      tcp: true,
      json: false,
      peers: [],
      broadcast: undefined,
      // The IPMsg bridge follows the profile's setting (on by default) unless a flag says.
      ipmsg: {},
      acceptFiles: undefined,
    });
  });

  it('reads every flag, repeatable ones included', () => {
    const { options, errors } = parseCliArgs([
      '--nick',
      '小明',
      '--server-port',
      '18000',
      '--client-port',
      '14000',
      '--broadcast',
      '127.255.255.255',
      '--broadcast',
      '10.0.0.255',
      '--peer',
      '10.0.0.7',
      '--peer',
      '10.0.0.8:4001',
      '--no-tcp',
      '--data-dir',
      '/tmp/x',
      '--no-ipmsg',
      '--ipmsg-port',
      '12425',
      '--ipmsg-encoding',
      'GB18030',
      '--accept-files',
      '/tmp/inbox',
      '--json',
    ]);
    expect(errors).toEqual([]);
    expect(options).toEqual({
      nick: '小明',
      serverPort: 18000,
      clientPort: 14000,
      broadcast: ['127.255.255.255', '10.0.0.255'],
      peers: ['10.0.0.7', '10.0.0.8:4001'],
      tcp: false,
      profile: { dataDir: '/tmp/x' },
      ipmsg: { enabled: false, port: 12425, encoding: 'gb18030' },
      acceptFiles: '/tmp/inbox',
      json: true,
      help: false,
    });
    expect(parseCliArgs(['--ipmsg']).options.ipmsg).toEqual({ enabled: true });
    expect(parseCliArgs(['--accept-files', 'in']).options.acceptFiles).toBe(`${process.cwd()}/in`);
  });

  it('explains each bad flag and falls back to the default', () => {
    const { options, errors } = parseCliArgs([
      '--server-port',
      '70000',
      '--nick',
      '--bogus',
      'extra',
      '--broadcast',
      'everyone',
      '--ipmsg-port',
      '0',
      '--ipmsg-encoding',
      'latin1',
      '--accept-files',
    ]);
    expect(options.serverPort).toBe(8000);
    // No valid broadcast address given: the default targets stay (every interface's broadcast).
    expect(options.broadcast).toBeUndefined();
    expect(options.nick).toBeUndefined();
    expect(options.ipmsg).toEqual({});
    expect(options.acceptFiles).toBeUndefined();
    expect([...errors].sort()).toEqual([
      '--accept-files needs a folder',
      '--broadcast must be an IPv4 address, got "everyone"',
      '--ipmsg-encoding must be one of auto, utf-8, gb18030, cp932, got "latin1"',
      '--ipmsg-port must be a port number 1..65535, got "0"',
      '--nick needs a value, got the flag "--bogus"',
      '--server-port must be a port number 1..65535, got "70000"',
      'unexpected argument: extra',
    ]);
  });

  it('refuses a nickname with control characters (the default nick is used), keeps a good one', () => {
    const bad = parseCliArgs(['--nick', 'a\x07b']);
    expect(bad.options.nick).toBeUndefined();
    expect(bad.errors).toEqual([
      '--nick must be 1 to 32 characters without control characters, got "a\\u0007b"',
    ]);
    expect(parseCliArgs(['--nick', '  Alice Li ']).options.nick).toBe('Alice Li');
    expect(parseCliArgs(['--nick', 'x'.repeat(33)]).errors).toHaveLength(1);
  });

  describe('relay flags', () => {
    it('reads brokers with a user, a CA file and the password from the environment', () => {
      const { options, errors } = parseCliArgs(
        [
          '--relay',
          'mqtts://relay.example.org:8883',
          '--relay',
          'mqtt://10.0.0.9',
          '--relay-user',
          'abc',
          '--relay-ca',
          '/etc/ca.crt',
          '--no-relay-directory',
        ],
        { PACKET_CHAT_RELAY_PASSWORD: 'secret' },
      );
      expect(errors).toEqual([]);
      const each = { username: 'abc', password: 'secret', caFile: '/etc/ca.crt' };
      expect(options.relay).toEqual({
        brokers: [
          { url: 'mqtts://relay.example.org:8883', ...each },
          { url: 'mqtt://10.0.0.9', ...each },
        ],
        directory: false,
      });
    });

    it('a --relay-password flag wins over the environment', () => {
      const { options } = parseCliArgs(['--relay', 'mqtt://h', '--relay-password', 'flag'], {
        PACKET_CHAT_RELAY_PASSWORD: 'env',
      });
      expect(options.relay?.brokers?.[0]?.password).toBe('flag');
    });

    it.each([
      ['http://relay.example.org'],
      ['mqtt://'],
      ['mqtt://host/path'],
      ['relay.example.org:1883'],
      ['mqtt://bad host'],
    ])('refuses %s and starts without it', (url) => {
      const { options, errors } = parseCliArgs(['--relay', url]);
      expect(errors).toEqual([
        `--relay must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got "${url}"`,
      ]);
      expect(options.relay).toBeUndefined();
    });

    it('says a user or CA without a broker is meaningless', () => {
      const { errors } = parseCliArgs(['--relay-user', 'abc']);
      expect(errors).toEqual(['--relay-user and --relay-ca need a --relay URL']);
    });
  });
});
