import { randomBytes } from 'node:crypto';

/** A random URL-safe id (message ids, stream epochs). */
export function randomToken(bytes = 9): string {
  return randomBytes(bytes).toString('base64url');
}
