/**
 * A TransferStore in JSON files, one pair per transfer (`ID.json`, `ID.files.json`), each
 * replaced atomically (write, fsync, rename). For tests that kill processes and for the CLI until
 * the SQLite store exists. Not for huge transfers: every save rewrites the transfer's file list.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { LoadedTransfer, StoredFile, StoredTransfer, TransferStore } from './ports';

const ID_FILE = /^([0-9a-f]{32})\.json$/;

export interface JsonFileStoreOptions {
  /** fsync every write (default true). A SIGKILL loses nothing either way; a power cut might. */
  readonly fsync?: boolean;
}

export class JsonFileTransferStore implements TransferStore {
  private readonly files = new Map<string, Map<number, StoredFile>>();
  private readonly fsync: boolean;

  constructor(
    private readonly dir: string,
    options: JsonFileStoreOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.fsync = options.fsync ?? true;
  }

  load(): readonly LoadedTransfer[] {
    const loaded: LoadedTransfer[] = [];
    for (const name of readdirSync(this.dir)) {
      const id = ID_FILE.exec(name)?.[1];
      if (id === undefined) continue;
      const transfer = this.readJson(name) as StoredTransfer | undefined;
      if (transfer === undefined) continue;
      const list = (this.readJson(`${id}.files.json`) as StoredFile[] | undefined) ?? [];
      this.files.set(id, new Map(list.map((f) => [f.index, f])));
      loaded.push({ transfer, files: list });
    }
    return loaded;
  }

  saveTransfer(transfer: StoredTransfer): void {
    this.writeAtomically(`${transfer.id}.json`, JSON.stringify(transfer));
  }

  saveFiles(transferId: string, files: readonly StoredFile[]): void {
    let map = this.files.get(transferId);
    if (map === undefined) {
      map = new Map();
      this.files.set(transferId, map);
    }
    for (const file of files) map.set(file.index, file);
    this.writeAtomically(`${transferId}.files.json`, JSON.stringify([...map.values()]));
  }

  deleteTransfer(transferId: string): void {
    this.files.delete(transferId);
    rmSync(join(this.dir, `${transferId}.json`), { force: true });
    rmSync(join(this.dir, `${transferId}.files.json`), { force: true });
  }

  private readJson(name: string): unknown {
    try {
      return JSON.parse(readFileSync(join(this.dir, name), 'utf8'));
    } catch {
      return undefined; // missing or torn: the rename makes torn files impossible, so missing
    }
  }

  private writeAtomically(name: string, text: string): void {
    const target = join(this.dir, name);
    const temp = `${target}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  }
}
