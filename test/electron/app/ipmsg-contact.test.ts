// An IPMsg peer as the contact the UI and the CLI see: plain text ("not encrypted"), its badge, and
// its absence text as the status text, cleaned of control characters and cut to the UI's length.
import { describe, expect, it } from 'vitest';
import { ipmsgContact } from '../../../electron/app/ipmsg-bridge';
import { MAX_STATUS_TEXT_LENGTH } from '../../../shared/protocol/constants';
import { statusTextSchema } from '../../../shared/protocol/packets';
import { feiqPeer as feiq } from '../../helpers/ipmsg-peer';

describe('ipmsgContact', () => {
  it('is a plaintext peer with its protocol, badge, encoding, status and absence text', () => {
    expect(ipmsgContact(feiq)).toEqual({
      kind: 'peer',
      trust: 'not-encrypted',
      protocol: 'ipmsg',
      badge: 'FeiQ',
      textEncoding: 'gb18030',
      id: 'ipmsg:10.0.0.7',
      nick: '小王',
      host: 'PC-WANG',
      address: '10.0.0.7',
      port: 2425,
      path: { kind: 'lan', address: '10.0.0.7', port: 2425 },
      tcpPort: null,
      status: 'away',
      statusText: '开会',
      online: true,
      firstSeen: 1_000,
      lastSeen: 2_000,
    });
  });

  it('has no status text without absence text, with only blanks, or with only the status word', () => {
    const { absence: _absence, ...present } = feiq;
    expect(ipmsgContact({ ...present, status: 'online' })).not.toHaveProperty('statusText');
    // `nick[Away]` says no more than the status does.
    expect(ipmsgContact({ ...feiq, absence: 'Away' })).not.toHaveProperty('statusText');
    expect(ipmsgContact({ ...feiq, status: 'busy', absence: 'Busy' })).not.toHaveProperty(
      'statusText',
    );
    expect(ipmsgContact({ ...feiq, absence: ' \u0000\u001b\r\n\u0085 ' })).not.toHaveProperty(
      'statusText',
    );
  });

  it('cleans and cuts a long absence text to what a status text may hold, by whole characters', () => {
    const text = ipmsgContact({ ...feiq, absence: `会议\u001b[31m${'😀'.repeat(100)}` }).statusText;
    // 7 units of text, then 26 emoji of 2 units: a 27th would pass 60.
    expect(text).toBe(`会议 [31m${'😀'.repeat(26)}`);
    expect(statusTextSchema.parse(text)).toBe(text);
    expect(MAX_STATUS_TEXT_LENGTH).toBe(60);
  });
});
