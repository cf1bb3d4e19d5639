import { IpmsgError } from '../net/index';
import { TransferError } from './transfers';

/** An error of the IPMsg module or the file system as a TransferError. */
export function transferError(error: unknown): TransferError {
  if (error instanceof TransferError) return error;
  if (error instanceof IpmsgError) {
    switch (error.code) {
      case 'not-started':
      case 'closed':
        return new TransferError('closed', error.message);
      case 'unknown-peer':
        return new TransferError('unknown-peer', error.message);
      case 'empty':
      case 'too-long':
        return new TransferError('too-many-files', error.message);
      case 'not-found':
        return new TransferError('not-found', error.message);
      case 'bad-path':
        return new TransferError('bad-path', error.message);
      case 'unsupported':
        return new TransferError('unsupported', error.message);
    }
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new TransferError(code === 'ENOENT' ? 'not-found' : 'bad-path', message);
}
