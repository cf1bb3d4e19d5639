import { randomFillSync } from 'node:crypto';

/** Random bytes drawn ahead, so a message id costs a slice, not a system call. */
const POOL_BYTES = 4_095; // a multiple of 3: the pool's base64url has no padding bits
const pool = Buffer.allocUnsafe(POOL_BYTES);
/** The pool as base64url, made once per refill: 4 characters for every 3 bytes. */
let poolText = '';
let used = POOL_BYTES;

/** A random URL-safe id (message ids, stream epochs): `bytes` random bytes as base64url. */
export function randomToken(bytes = 9): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('base64url');
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolText = pool.toString('base64url');
    used = 0;
  }
  const start = used;
  // Each token starts at a 3-byte group, so no byte is used twice and whole groups are a slice
  // of the pool's text: one per id, not a conversion each.
  used = start + Math.ceil(bytes / 3) * 3;
  if (bytes % 3 === 0) return poolText.slice((start / 3) * 4, ((start + bytes) / 3) * 4);
  return pool.toString('base64url', start, start + bytes);
}
