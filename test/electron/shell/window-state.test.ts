import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  WINDOW_STATE_FILE,
  fitToDisplays,
  loadWindowState,
  saveWindowState,
} from '../../../electron/shell/window-state';

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'packet-chat-window-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (text: string) => writeFileSync(path.join(dir, WINDOW_STATE_FILE), text);

describe('window state', () => {
  it('round-trips size, position and maximized', () => {
    saveWindowState(dir, { x: 100, y: 50, width: 1200, height: 800 }, true);
    expect(loadWindowState(dir, SCREEN)).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
      maximized: true,
    });
    expect(readdirSync(dir)).toEqual([WINDOW_STATE_FILE]); // no temp file left behind
  });

  it('uses the defaults without a file', () => {
    expect(loadWindowState(dir, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it.each([
    ['not JSON', '{"width": 1200,'],
    ['wrong types', '{"width":"1200","height":800,"maximized":false}'],
    ['too small', '{"width":10,"height":10,"maximized":false}'],
    ['absurd', '{"width":1e9,"height":800,"maximized":false}'],
    ['fractional', '{"width":1000.5,"height":800,"maximized":false}'],
    ['not an object', '[1,2,3]'],
    ['null', 'null'],
  ])('uses the defaults for a file that is %s', (_name, text) => {
    write(text);
    expect(loadWindowState(dir, SCREEN)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('forgets a position that is on no display (a monitor was unplugged)', () => {
    write('{"x":5000,"y":3000,"width":1000,"height":700,"maximized":false}');
    expect(loadWindowState(dir, SCREEN)).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('keeps a position on a second display', () => {
    const two = [...SCREEN, { x: 1920, y: 0, width: 1280, height: 1024 }];
    const state = { x: 2000, y: 100, width: 1000, height: 700, maximized: false };
    expect(fitToDisplays(state, two)).toEqual(state);
  });

  it('does not overwrite a good file with a degenerate size', () => {
    saveWindowState(dir, { x: 0, y: 0, width: 1000, height: 700 }, false);
    saveWindowState(dir, { x: 0, y: 0, width: 0, height: 0 }, false);
    expect(JSON.parse(readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({
      width: 1000,
    });
  });
});
