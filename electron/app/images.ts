// Images as files (issue 14, docs/FILES.md "Images"): a pasted image saved into the profile before
// it is offered, and a received image read back for its thumbnail. The type is judged by the
// file's first bytes, never by its name or by what the renderer says.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ImageMime } from '../../shared/ipc/contract';
import { IpcFailure } from '../../shared/ipc/contract';
import { MAX_PASTED_IMAGE_BYTES, MAX_THUMBNAIL_BYTES } from '../../shared/ipc/schemas';
import type { TransferFileInfo, TransferInfo } from '../../shared/transfers';

const EXTENSIONS: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

/** PNG, JPEG, GIF or WebP by their signatures (the first 12 bytes are enough), else undefined. */
export function imageMime(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39))
    return bytes[5] === 0x61 ? 'image/gif' : undefined;
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp';
  return undefined;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `Screenshot 2026-11-25 19.40.12` in local time, as screenshot tools name their files. */
export function screenshotName(at: Date): string {
  const day = `${String(at.getFullYear())}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `Screenshot ${day} ${two(at.getHours())}.${two(at.getMinutes())}.${two(at.getSeconds())}`;
}

/** Most " (n)" suffixes tried before giving up (several pastes in one second). */
const MAX_CLASHES = 100;

/**
 * Checks a pasted image (size, type by its bytes) and writes it to `PROFILE/pasted/NAME.EXT`,
 * never over an existing file. Returns the new file's path.
 */
export async function savePastedImage(profileDir: string, base64: string, at: Date) {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_PASTED_IMAGE_BYTES)
    throw new IpcFailure('invalid-argument', 'a pasted image is 1 byte to 32 MiB', 'data', 'size');
  const mime = imageMime(bytes);
  if (mime === undefined)
    throw new IpcFailure(
      'invalid-argument',
      'only PNG, JPEG, GIF and WebP images can be pasted',
      'data',
      'not-an-image',
    );
  const dir = join(profileDir, 'pasted');
  await mkdir(dir, { recursive: true });
  const base = screenshotName(at);
  for (let n = 0; n < MAX_CLASHES; n += 1) {
    const path = join(dir, `${base}${n === 0 ? '' : ` (${String(n)})`}.${EXTENSIONS[mime]}`);
    try {
      const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new IpcFailure('unavailable', 'too many pasted images with the same name');
}

/** Where a received file was kept, inside the transfer's folder; undefined when it is not. */
export function receivedPath(transfer: TransferInfo, file: TransferFileInfo): string | undefined {
  if (transfer.direction !== 'receive' || transfer.dir === undefined || file.state !== 'done')
    return undefined;
  const dir = resolve(transfer.dir);
  const path = resolve(dir, ...(file.savedAs ?? file.path).split('/'));
  const inside = relative(dir, path);
  // The engine already keeps names inside the folder; this holds even if that ever broke.
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    return undefined;
  return path;
}

/**
 * A received, verified file's bytes when it is a small image (by its bytes), else null. The file
 * is looked at with lstat: a symlink put there since is not followed.
 */
export async function thumbnailOf(
  path: string,
): Promise<{ mime: ImageMime; base64: string } | null> {
  const stat = await lstat(path).catch(() => undefined);
  if (stat === undefined || !stat.isFile() || stat.size === 0 || stat.size > MAX_THUMBNAIL_BYTES)
    return null;
  const bytes = await readFile(path, { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
  const mime = bytes.length > MAX_THUMBNAIL_BYTES ? undefined : imageMime(bytes);
  return mime === undefined ? null : { mime, base64: bytes.toString('base64') };
}
