import path from 'node:path';
import { defineConfig } from 'vite';

const ROOT = import.meta.dirname;

/** Where the command-line node is built: one ESM file, run by bin/packet-chat.js and the tests. */
export const CLI_OUT_DIR = path.join(ROOT, 'dist-cli');
export const CLI_BUNDLE = 'packet-chat.js';

/**
 * `vite build --config vite.cli.config.ts`: the headless node (`electron/cli/main.ts`) as one
 * Node ESM file. An SSR build is Vite's Node target (https://vite.dev/guide/ssr#building-for-production);
 * `noExternal: true` bundles every package (zod, …), so only `node:*` built-ins stay imports and
 * the file runs without node_modules. Not minified, so stack traces name our functions.
 */
export default defineConfig({
  root: ROOT,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: path.join(ROOT, 'electron/cli/main.ts'),
    outDir: CLI_OUT_DIR,
    emptyOutDir: true,
    target: 'node24',
    minify: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: { format: 'es', entryFileNames: CLI_BUNDLE, codeSplitting: false },
    },
  },
  ssr: { target: 'node', noExternal: true },
});
