// Remembers the window's size and position in the profile directory. The file is ours but lives
// on disk: it is validated, and anything wrong with it (missing, corrupt, off every screen) gives
// the defaults rather than a window nobody can see.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const coordinate = z.number().int().min(-100_000).max(100_000);
const windowStateSchema = z.object({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: z.number().int().min(480).max(16_384),
  height: z.number().int().min(360).max(16_384),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1000, height: 700, maximized: false };

/** Keep a remembered position only if the window's top-left area is on some display. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const { x, y } = state;
  if (x === undefined || y === undefined) return state;
  const grip = 48; // enough of the title bar to grab it
  const visible = workAreas.some(
    (a) => x + grip > a.x && x < a.x + a.width - grip && y >= a.y && y < a.y + a.height - grip,
  );
  if (visible) return state;
  return { width: state.width, height: state.height, maximized: state.maximized };
}

export function loadWindowState(dir: string, workAreas: readonly Rect[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return DEFAULT_WINDOW_STATE; // first run, or a file we cannot read: defaults are fine
  }
  const parsed = windowStateSchema.safeParse(raw);
  return parsed.success ? fitToDisplays(parsed.data, workAreas) : DEFAULT_WINDOW_STATE;
}

/** Written atomically (temp file, then rename) so a crash never leaves half a file. */
export function saveWindowState(dir: string, bounds: Rect, maximized: boolean): void {
  const parsed = windowStateSchema.safeParse({ ...bounds, maximized });
  if (!parsed.success) return; // e.g. minimized to 0x0 on some platforms: keep the old file
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, WINDOW_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(parsed.data)}\n`);
  renameSync(temp, file);
}
