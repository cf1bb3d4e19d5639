// The `files:*` calls: file transfers through Transfers (electron/app/transfers.ts), whichever
// protocol carries them. Transfer errors become IPC errors with the transfer's code as reason.
import { lstat } from 'node:fs/promises';
import { IpcFailure, type CallHandlers } from '../../shared/ipc/contract';
import { receivedPath, savePastedImage, thumbnailOf } from './images';
import type { TransferInfo } from '../../shared/transfers';
import { TransferError, type Transfers } from './transfers';

type FileCalls = Pick<
  CallHandlers,
  | 'files:send'
  | 'files:accept'
  | 'files:decline'
  | 'files:cancel'
  | 'files:list'
  | 'files:pause'
  | 'files:resume'
  | 'files:retry'
  | 'files:files'
  | 'files:pick'
  | 'files:drop'
  | 'files:sendImage'
  | 'files:sendImageMany'
  | 'files:thumbnail'
  | 'files:open'
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
    case 'nothing-to-send':
      throw new IpcFailure('invalid-argument', message, 'paths', code);
    case 'not-a-folder':
    case 'no-space':
      throw new IpcFailure('invalid-argument', message, 'dir', code);
    case 'paused-by-peer':
    case 'not-kept':
      throw new IpcFailure('invalid-argument', message, 'id', code);
    case 'unknown-file':
      throw new IpcFailure('invalid-argument', message, 'file', code);
    case 'closed':
      throw new IpcFailure('unavailable', message, undefined, code);
  }
}

/**
 * A transfer's file or folder must still be there, as a file or a folder itself (lstat: a link put
 * in its place is not followed).
 */
async function checkStillThere(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined || !(stat.isFile() || stat.isDirectory()))
    throw new IpcFailure('not-found', 'The file was moved or deleted', undefined, 'gone');
}

/**
 * @param profileDir the running profile's folder: pasted images are saved in its `pasted/`.
 * @param now the clock that names pasted images.
 */
export function fileHandlers(
  transfers: () => Transfers,
  profileDir: () => string,
  now: () => Date = () => new Date(),
): FileCalls {
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
    'files:pause': ({ id }) => run((t) => t.pause(id)),
    'files:resume': ({ id }) => run((t) => t.resume(id)),
    'files:retry': ({ id }) => run((t) => t.retry(id)),
    'files:files': ({ id }) => run((t) => Promise.resolve().then(() => t.files(id))),
    // Which paths may be dropped is the shell's to decide (electron/ipc/app-handlers.ts); here, as
    // for the CLI, a drop is an offer of those paths.
    'files:drop': ({ peerId, paths }) => run((t) => t.send(peerId, paths)),
    'files:sendImage': async ({ peerId, data }) => {
      const path = await savePastedImage(profileDir(), data, now());
      return run((t) => t.send(peerId, [path]));
    },
    'files:sendImageMany': async ({ peerIds, data }) => {
      // Saved once; each peer gets its own offer of that file (as the paperclip in a group).
      const path = await savePastedImage(profileDir(), data, now());
      const sent: TransferInfo[] = [];
      const failed: { peerId: string; message: string }[] = [];
      for (const peerId of new Set(peerIds)) {
        try {
          sent.push(await transfers().send(peerId, [path]));
        } catch (error) {
          if (!(error instanceof TransferError)) throw error;
          failed.push({ peerId, message: error.message });
        }
      }
      return { sent, failed };
    },
    'files:thumbnail': ({ id, index }) =>
      run(async (t) => {
        const transfer = t.list().find((x) => x.id === id);
        const file = t.files(id).find((f) => f.index === index);
        const path =
          transfer === undefined || file === undefined ? undefined : receivedPath(transfer, file);
        return path === undefined ? null : thumbnailOf(path);
      }),
    // The desktop shell opens what this finds (electron/ipc/app-handlers.ts).
    'files:open': ({ id, file }) =>
      run(async (t) => {
        const path = t.locate(id, file);
        await checkStillThere(path);
        return { path };
      }),
    'files:pick': () => {
      // Only the desktop shell has a file dialog (electron/ipc/app-handlers.ts); scripts name paths.
      throw new IpcFailure('unavailable', 'there is no file dialog here: name the paths');
    },
  };
}
