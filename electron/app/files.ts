// File transfers behind the call handlers (docs/FILES.md, "Events, operations, UI and CLI"): the
// files:* calls answered from the session's file engine, and its events turned into `transfer`
// events. The same for the renderer, the end-to-end bridge and the CLI's --json mode.
import type { CallHandlers, EventSink } from '../../shared/ipc/contract';
import { IpcFailure } from '../../shared/ipc/contract';
import type { TransferInfo } from '../../shared/transfers';
import type { FileEngine, OperationResult } from '../net/index';
import type { Session } from './session';

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
>;

/** An engine refusal as an IPC error from the closed set; the engine's code is the reason. */
function refused(result: { code: string; message: string }): never {
  switch (result.code) {
    case 'unknown-transfer':
    case 'not-found':
      throw new IpcFailure('not-found', result.message, undefined, result.code);
    case 'control':
    case 'closed':
      throw new IpcFailure('unavailable', result.message, undefined, result.code);
    default:
      // wrong-state, wrong-direction, not-a-folder, no-space, paused-by-peer, nothing-to-send,
      // too-many-files: the caller asked for something this transfer cannot do now.
      throw new IpcFailure('invalid-argument', result.message, undefined, result.code);
  }
}

function answer(result: OperationResult): TransferInfo {
  if (!result.ok) return refused(result);
  return result.transfer;
}

export function fileHandlers(running: () => Session): FileCalls {
  const engine = (): FileEngine => running().files.engine;
  const known = (id: string): void => {
    if (engine().get(id) === undefined)
      throw new IpcFailure('not-found', `no such transfer: ${id}`, 'id', 'unknown-transfer');
  };
  return {
    'files:send': async ({ peerId, paths }) => {
      const peer = running().node.findPeer(peerId);
      if (peer === undefined)
        throw new IpcFailure('not-found', `no such peer: ${peerId}`, 'peerId', 'unknown-peer');
      const offered = await engine().sendFiles(peer.id, paths);
      if (!offered.ok) return refused(offered);
      return offered.transfer;
    },
    'files:accept': async ({ id, dir }) => answer(await engine().accept(id, dir)),
    'files:decline': ({ id }) => answer(engine().decline(id)),
    'files:cancel': async ({ id }) => answer(await engine().cancel(id)),
    'files:list': () => engine().list(),
    'files:pause': async ({ id }) => answer(await engine().pause(id)),
    'files:resume': async ({ id }) => answer(await engine().resume(id)),
    'files:retry': async ({ id }) => answer(await engine().retry(id)),
    'files:files': ({ id }) => {
      known(id);
      return engine().files(id);
    },
    'files:pick': () => {
      // Only the desktop shell has a file dialog (electron/ipc/app-handlers.ts); scripts name paths.
      throw new IpcFailure('unavailable', 'there is no file dialog here: name the paths');
    },
  };
}

/**
 * The engine's events as `transfer` events. A transfer that ends `done` is reported once, with
 * its files and their SHA-256 (the engine's `done` event follows its state change at once).
 */
export function wireFileEvents(engine: FileEngine, emit: EventSink): void {
  engine.on('transfer', (transfer) => {
    if (transfer.state !== 'done') emit('transfer', { transfer });
  });
  engine.on('done', ({ transfer, files }) => {
    emit('transfer', {
      transfer,
      files: files.map((f) => ({ path: f.savedAs ?? f.path, size: f.size, sha256: f.sha256 })),
    });
  });
}
