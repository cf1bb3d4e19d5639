// The `files:*` calls: file transfers through Transfers (electron/app/transfers.ts), whichever
// protocol carries them. Transfer errors become IPC errors with the transfer's code as reason.
import { IpcFailure, type CallHandlers } from '../../shared/ipc/contract';
import { TransferError, type Transfers } from './transfers';

type FileCalls = Pick<
  CallHandlers,
  'files:send' | 'files:accept' | 'files:decline' | 'files:cancel' | 'files:list'
>;

function failure(error: unknown): never {
  if (!(error instanceof TransferError)) throw error;
  const { code, message } = error;
  switch (code) {
    case 'unknown-transfer':
    case 'unknown-peer':
    case 'not-found':
      throw new IpcFailure('not-found', message, undefined, code);
    case 'wrong-state':
    case 'wrong-direction':
    case 'unsupported':
      throw new IpcFailure('invalid-argument', message, 'id', code);
    case 'bad-path':
    case 'too-many-files':
      throw new IpcFailure('invalid-argument', message, 'paths', code);
    case 'closed':
      throw new IpcFailure('unavailable', message, undefined, code);
  }
}

export function fileHandlers(transfers: () => Transfers): FileCalls {
  const run = async <T>(call: (t: Transfers) => Promise<T>): Promise<T> => {
    try {
      return await call(transfers());
    } catch (error) {
      return failure(error);
    }
  };
  return {
    'files:send': ({ peerId, paths, force }) =>
      run((t) => t.send(peerId, paths, force === undefined ? {} : { force })),
    'files:accept': ({ id, dir }) => run((t) => t.accept(id, dir)),
    'files:decline': ({ id }) => run((t) => t.decline(id)),
    'files:cancel': ({ id }) => run((t) => t.cancel(id)),
    'files:list': () => transfers().list(),
  };
}
