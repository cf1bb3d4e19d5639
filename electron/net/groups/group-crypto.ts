import {
  groupIdInput,
  postSigningText,
  stateSigningText,
  type GroupPostRef,
} from '../../../shared/protocol/groups';
import { fromHex, toHex } from '../crypto/bytes';
import type { CryptoProvider, KeyPair } from '../crypto/primitives';

const encoder = new TextEncoder();

/**
 * Signatures and hashes of group items (docs/PROTOCOL.md, "Groups"): Ed25519 over the byte
 * strings of shared/protocol/groups.ts, signatures in unpadded base64url, hashes and ids as the
 * first 16 bytes of SHA-256 in hex.
 */
export class GroupCrypto {
  /** This node's signing public key, hex. */
  readonly publicKey: string;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly signing: KeyPair,
  ) {
    this.publicKey = toHex(signing.publicKey);
  }

  signPost(ref: Omit<GroupPostRef, 'sig' | 'type'>, ts: number, text: string): string {
    return this.sign(postSigningText(ref, ts, text));
  }

  verifyPost(ref: GroupPostRef, ts: number, text: string, signingKey: string): boolean {
    return this.verify(postSigningText(ref, ts, text), ref.sig, signingKey);
  }

  signState(body: string): string {
    return this.sign(stateSigningText(body));
  }

  verifyState(body: string, sig: string, signingKey: string): boolean {
    return this.verify(stateSigningText(body), sig, signingKey);
  }

  /** A membership snapshot's hash: what `prev` names and `group-sync` reports. */
  stateHash(body: string): string {
    return this.digest(stateSigningText(body));
  }

  /** The id of a group made by the holder of `creatorKey` with this salt. */
  groupId(creatorKey: string, salt: string): string {
    return this.digest(groupIdInput(creatorKey, salt));
  }

  randomHex(bytes: number): string {
    return toHex(this.provider.randomBytes(bytes));
  }

  private sign(text: string): string {
    const signature = this.provider.sign(this.signing.privateKey, encoder.encode(text));
    return Buffer.from(signature).toString('base64url');
  }

  private verify(text: string, sig: string, signingKey: string): boolean {
    const key = fromHex(signingKey);
    const signature = Buffer.from(sig, 'base64url');
    if (key === undefined || signature.length !== 64) return false;
    return this.provider.verify(key, encoder.encode(text), new Uint8Array(signature));
  }

  private digest(text: string): string {
    return toHex(this.provider.sha256(encoder.encode(text))).slice(0, 32);
  }
}
