import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPacketChatVector } from './packetchat-vector';
import { PROVIDERS } from './providers';

/** Generated once by this code and published in docs/CRYPTO.md for other implementations. */
const EXPECTED: Record<string, string> = {
  initiatorStaticPublic: '8f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f',
  responderStaticPublic: '358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254',
  initiatorEphemeralPublic: '79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a',
  responderEphemeralPublic: '675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f',
  initiatorNodeId: 'eedd883da0a9451593dc0a38e583fb77',
  responderNodeId: 'a0289810032eb417274eebc4a38e6899',
  prologue: '5061636b657443686174207632',
  handshakeInit: 'f8020a0b0c0d79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a',
  handshakeResp:
    'f9010203040a0b0c0d675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f' +
    'd678966b51aab864c309cda10faf8b94104fa031dacdf106761b92651def7efffbedc6cd79da13140361b43d8d028b' +
    'fe5b32042c6439ece256e88248f77f9c97cf6bd59495c0d581881438359a91a1',
  handshakeFinal:
    'fa0102030472566db126c34b9ff02b215ebc15ee7763470c037559245ad718ae0f89777d77ae71afdd6cd6f9' +
    '0d3b2e7a1c93e133feb9e136d1d213a1829489512c814751f56932c74350f00c757de5565f337204',
  handshakeHash: 'ead45a9e8fcb13a6a375e224b74fa131439554bd5f4460f4fd808176c17f75d0',
  transportInitiatorToResponder:
    'fb0102030400000000000000002df6ee95599288ae77bfa5dc493956c8662c44b67b7ce3c855729c456a012204ce',
  transportResponderToInitiator:
    'fb0a0b0c0d0000000000000000694d3a85d972ca4583852ccd8ac4544d59c1888ee5009a62bb0d58304f41697627',
  safetyNumber: '705766002563731426677852284562748415559670521260662094959201',
};

describe('PacketChat v2 test vector', () => {
  it.each(PROVIDERS)('%s produces the published bytes', (_name, provider) => {
    expect(buildPacketChatVector(provider)).toEqual(EXPECTED);
  });

  it('is the vector docs/CRYPTO.md publishes', () => {
    const doc = readFileSync(new URL('../../../../docs/CRYPTO.md', import.meta.url), 'utf8');
    // Long values are wrapped in the document; compare with whitespace removed.
    const flat = doc.replace(/\s+/g, '');
    for (const [name, value] of Object.entries(EXPECTED)) {
      expect(flat, name).toContain(value);
    }
  });
});
