// Builds the renderer exactly as `npm run build` does (vite.config.ts), into a temporary folder.
// Under Vitest the config leaves out the Electron plugin, so only the renderer is built.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RendererBuild {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function buildRenderer(): Promise<RendererBuild> {
  const dir = await mkdtemp(path.join(tmpdir(), 'packet-chat-ui-'));
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
