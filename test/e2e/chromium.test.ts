import { describe, expect, it } from 'vitest';
import {
  findChromium,
  findInstalledChromium,
  INSTALL_HINT,
  launchChromium,
  launchFound,
  mergeFlags,
} from './chromium';
import { unpackNpmChromium } from './npm-chromium';

const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';

describe('finding Chromium for the end-to-end tests', () => {
  it('stops with the exact install command when PACKET_CHAT_CHROMIUM names nothing', async () => {
    const env = { PACKET_CHAT_CHROMIUM: '/nonexistent/chromium' };
    expect(await findChromium(env)).toBeUndefined();
    await expect(launchChromium(env)).rejects.toThrow(INSTALL_HINT);
    expect(INSTALL_HINT).toContain('apt-get install -y chromium');
  });

  it('takes only an executable file, not any path that exists', () => {
    expect(findInstalledChromium({ PACKET_CHAT_CHROMIUM: '/dev/null' })).toBeUndefined();
    expect(findInstalledChromium({ PACKET_CHAT_CHROMIUM: '/usr' })).toBeUndefined();
  });

  it('uses the binary PACKET_CHAT_CHROMIUM names', async () => {
    const found = await findChromium({});
    expect(found, INSTALL_HINT).toBeDefined();
    const named = await findChromium({ PACKET_CHAT_CHROMIUM: found?.executablePath ?? '' });
    expect(named).toMatchObject({
      executablePath: found?.executablePath,
      source: 'PACKET_CHAT_CHROMIUM',
    });
  });

  it('merges flags by name, the later list winning', () => {
    expect(mergeFlags(['--a=1', '--b', '--c=x'], ['--c=y', '--d'])).toEqual([
      '--a=1',
      '--b',
      '--c=y',
      '--d',
    ]);
  });
});

// Step 4 of findChromium() is what a machine without any browser gets; run it here too, so it is
// tested on every Linux x64 machine, not only on the rare one that has no Chromium.
describe.runIf(LINUX_X64)('the browser npm installs (@sparticuz/chromium)', () => {
  it('unpacks, starts without weakening flags and renders a page', async () => {
    const unpacked = await unpackNpmChromium();
    expect(unpacked).toBeDefined();
    if (unpacked === undefined) return;
    for (const weakening of ['--disable-web-security', '--single-process', '--disable-features']) {
      expect(unpacked.args.some((arg) => arg.startsWith(weakening))).toBe(false);
    }
    const browser = await launchFound({ ...unpacked, source: 'npm' });
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="hello">Hello PacketChat</p>');
      expect(await page.locator('#hello').textContent()).toBe('Hello PacketChat');
      expect((await page.locator('#hello').boundingBox())?.width).toBeGreaterThan(0);
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
