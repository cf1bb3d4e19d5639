import { describe, expect, it } from 'vitest';
import { findChromium, INSTALL_HINT, launchChromium } from './chromium';

describe('finding Chromium for the end-to-end tests', () => {
  it('stops with the exact install command when there is none, instead of skipping', async () => {
    const env = { PACKET_CHAT_CHROMIUM: '/nonexistent/chromium' };
    expect(findChromium(env)).toBeUndefined();
    await expect(launchChromium(env)).rejects.toThrow(INSTALL_HINT);
    expect(INSTALL_HINT).toContain('apt-get install -y chromium');
  });

  it('uses the binary PACKET_CHAT_CHROMIUM names', () => {
    const found = findChromium({});
    expect(found, INSTALL_HINT).toBeDefined();
    expect(findChromium({ PACKET_CHAT_CHROMIUM: found! })).toBe(found);
  });
});
