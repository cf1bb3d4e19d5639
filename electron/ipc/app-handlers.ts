// What main answers: the backend's handlers, held until the node has started, plus the few calls
// that belong to the shell (ready, opening links) and a look at settings for the notifier.
import { lstat } from 'node:fs/promises';
import type { Settings } from '../../shared/ipc/schemas';
import { IpcFailure, type CallHandlers } from '../../shared/ipc/contract';

export interface AppHandlerOptions {
  readonly backend: CallHandlers;
  /** Settles when the backend has started (or failed to). */
  readonly started: Promise<void>;
  /** The renderer's listeners are attached: flush queued events. */
  readonly onReady: () => void;
  readonly onSettings: (settings: Settings) => void;
  /** Opens an http(s) URL in the system browser (shell.openExternal in main). */
  readonly openInBrowser: (url: string) => Promise<void>;
  readonly isSafeExternalUrl: (url: string) => boolean;
  /**
   * True for a path the user picked in a main-process file dialog in this run. The renderer may
   * send only those files and save only into such a folder, never a path it made up (issue 14).
   * There is no dialog yet, so without this no path is accepted.
   */
  readonly isPickedPath?: (path: string) => boolean;
  /**
   * Main's file dialog (Electron's dialog.showOpenDialog): the paths picked, none when cancelled.
   * Picked paths are remembered for this run: the renderer may then send or save into them.
   */
  readonly pickPaths?: (kind: 'files' | 'folders' | 'folder') => Promise<readonly string[]>;
  /**
   * Opens a transfer's file or folder with its default app (shell.openPath), or shows it in its
   * folder (`reveal`: shell.showItemInFolder); rejects with the reason when the system cannot.
   * The path is always one the backend found in the transfer's own record (`files:open`).
   */
  readonly openPath?: (path: string, reveal: boolean) => Promise<void>;
}

/**
 * Dropped paths come from the preload, which had them from Electron for File objects the user
 * dropped (webUtils.getPathForFile): main trusts them as it trusts what its own dialog picked.
 * Each must still be there and be a file or a folder itself (lstat: a symlink is not followed).
 */
async function checkDropped(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const stat = await lstat(path).catch(() => undefined);
    if (stat === undefined)
      throw new IpcFailure('invalid-argument', `${path} is not there`, 'paths', 'not-found');
    if (!stat.isFile() && !stat.isDirectory())
      throw new IpcFailure(
        'invalid-argument',
        `${path} is not a file or a folder (links are not followed)`,
        'paths',
        'bad-path',
      );
  }
}

function startFailure(error: unknown): IpcFailure {
  const reason = error instanceof Error ? error.message : String(error);
  return new IpcFailure('unavailable', `the network node is not running: ${reason}`);
}

export function createAppHandlers(options: AppHandlerOptions): CallHandlers {
  const { backend, started } = options;
  /** Paths picked in this run's dialogs. */
  const pickedPaths = new Set<string>();
  const picked = (paths: readonly string[], field: string): void => {
    const check = (path: string): boolean =>
      pickedPaths.has(path) || (options.isPickedPath?.(path) ?? false);
    if (!paths.every(check))
      throw new IpcFailure(
        'invalid-argument',
        'only files and folders picked in the file dialog can be used',
        field,
        'not-picked',
      );
  };
  /** Every backend call waits for start; after a failed start it answers `unavailable`. */
  const gate =
    <A, R>(handler: (args: A) => R | Promise<R>) =>
    async (args: A): Promise<R> => {
      await started.catch((error: unknown) => {
        throw startFailure(error);
      });
      return handler(args);
    };

  return {
    'app:ready': async (args) => {
      try {
        await gate(backend['app:ready'])(args);
      } finally {
        // Even when the node failed, the renderer must get the notice that says why.
        options.onReady();
      }
      return null;
    },
    'self:get': gate(backend['self:get']),
    'contacts:list': gate(backend['contacts:list']),
    'contacts:listCompact': gate(backend['contacts:listCompact']),
    'contacts:add': gate(backend['contacts:add']),
    'conversations:list': gate(backend['conversations:list']),
    'messages:history': gate(backend['messages:history']),
    'messages:send': gate(backend['messages:send']),
    'messages:retry': gate(backend['messages:retry']),
    'messages:cancel': gate(backend['messages:cancel']),
    'messages:delete': gate(backend['messages:delete']),
    'messages:markRead': gate(backend['messages:markRead']),
    'messages:markReadUpTo': gate(backend['messages:markReadUpTo']),
    'messages:typing': gate(backend['messages:typing']),
    'messages:search': gate(backend['messages:search']),
    'inspector:packets': gate(backend['inspector:packets']),
    'inspector:payload': gate(backend['inspector:payload']),
    'inspector:sockets': gate(backend['inspector:sockets']),
    'drafts:list': gate(backend['drafts:list']),
    'drafts:set': gate(backend['drafts:set']),
    'settings:get': gate(backend['settings:get']),
    'contacts:safetyNumber': gate(backend['contacts:safetyNumber']),
    'contacts:verify': gate(backend['contacts:verify']),
    'contacts:acceptKey': gate(backend['contacts:acceptKey']),
    'messages:sendMany': gate(backend['messages:sendMany']),
    'groups:list': gate(backend['groups:list']),
    'groups:create': gate(backend['groups:create']),
    'groups:add': gate(backend['groups:add']),
    'groups:remove': gate(backend['groups:remove']),
    'groups:leave': gate(backend['groups:leave']),
    'groups:rename': gate(backend['groups:rename']),
    'groups:makeAdmin': gate(backend['groups:makeAdmin']),
    'groups:deliveries': gate(backend['groups:deliveries']),
    'conversations:mutes': gate(backend['conversations:mutes']),
    'conversations:mute': gate(backend['conversations:mute']),
    'directory:search': gate(backend['directory:search']),
    'directory:add': gate(backend['directory:add']),
    'files:send': async (args) => {
      picked(args.paths, 'paths');
      return gate(backend['files:send'])(args);
    },
    'files:accept': async (args) => {
      // The download folder of the settings was picked in the dialog when it was chosen.
      const { downloadDir } = await gate(backend['settings:get'])(undefined);
      if (args.dir !== downloadDir) picked([args.dir], 'dir');
      return gate(backend['files:accept'])(args);
    },
    'files:decline': gate(backend['files:decline']),
    'files:cancel': gate(backend['files:cancel']),
    'files:list': gate(backend['files:list']),
    'files:pause': gate(backend['files:pause']),
    'files:resume': gate(backend['files:resume']),
    'files:retry': gate(backend['files:retry']),
    'files:files': gate(backend['files:files']),
    'files:drop': async (args) => {
      // Granted for this offer only: a dropped folder does not become a place to save into.
      await checkDropped(args.paths);
      return gate(backend['files:drop'])(args);
    },
    'files:sendImage': gate(backend['files:sendImage']),
    'files:sendImageMany': gate(backend['files:sendImageMany']),
    'files:thumbnail': gate(backend['files:thumbnail']),
    'files:open': async (args) => {
      const found = await gate(backend['files:open'])(args);
      if (options.openPath === undefined)
        throw new IpcFailure('unavailable', 'there is no desktop here to open files with');
      await options.openPath(found.path, args.reveal).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new IpcFailure(
          'unavailable',
          `could not open it: ${reason}`,
          undefined,
          'open-failed',
        );
      });
      return found;
    },
    'files:pick': async ({ kind }) => {
      if (options.pickPaths === undefined) return backend['files:pick']({ kind });
      const paths = [...(await options.pickPaths(kind))];
      for (const path of paths) pickedPaths.add(path);
      return { paths };
    },
    'ipmsg:refresh': gate(backend['ipmsg:refresh']),
    'settings:set': async (args) => {
      // The download folder, too, is one the user picked in main's dialog, never a made-up path.
      if (args.downloadDir !== undefined && args.downloadDir !== null)
        picked([args.downloadDir], 'downloadDir');
      const settings = await gate(backend['settings:set'])(args);
      options.onSettings(settings);
      return settings;
    },
    'app:openExternal': async ({ url }) => {
      if (!options.isSafeExternalUrl(url)) {
        throw new IpcFailure('invalid-argument', 'only http and https links open', 'url');
      }
      await options.openInBrowser(url);
      return null;
    },
  };
}
