import { mkdirSync } from 'node:fs';

/** Why the store or a profile could not be opened. Each code has a clear message for the user. */
export type StoreErrorCode =
  | 'newer-schema'
  | 'profile-locked'
  | 'no-free-profile'
  | 'bad-profile-name'
  | 'unwritable'
  | 'corrupt';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Creates a profile directory readable by its owner only (messages and keys live there). */
export function ensureProfileDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      'unwritable',
      `Cannot create the profile directory ${dir} (${reason}). Choose another place with --data-dir DIR.`,
      { cause: error },
    );
  }
}
