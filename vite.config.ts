import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import electron, { type ElectronOptions } from 'vite-plugin-electron';

const ROOT = import.meta.dirname;
const ELECTRON_OUT_DIR = path.join(ROOT, 'dist-electron');

/**
 * Dev server only: React Fast Refresh injects an inline module script, which the CSP in
 * renderer/index.html forbids (today Vite puts it above the meta tag, where the policy does not
 * reach yet; this keeps dev working if that changes). The built app keeps `script-src 'self'`.
 */
function allowInlineScriptsInDev(): Plugin {
  return {
    name: 'packet-chat:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

/**
 * Main process (ESM, like package.json) and the sandboxed preload (which must be CommonJS).
 * Exported for test/security/electronegativity.test.ts, which builds them into a temporary folder.
 */
export function electronBuildOptions(outDir = ELECTRON_OUT_DIR): ElectronOptions[] {
  return [
    {
      entry: path.join(ROOT, 'electron/main.ts'),
      // ES2021: class private fields (MQTT.js's lru-cache has them) are lowered, so that
      // Electronegativity's parser reads the whole bundle it scans (test/security); Electron's
      // Node would run them as they are, at no gain worth an unscanned main process.
      vite: { build: { outDir, target: 'es2021' } },
    },
    {
      vite: {
        build: {
          outDir,
          rolldownOptions: {
            input: { preload: path.join(ROOT, 'electron/preload.ts') },
            platform: 'node',
            output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
          },
        },
      },
    },
  ];
}

function electronBuilds(): Plugin[] {
  return electron(electronBuildOptions());
}

/**
 * The renderer's entry chunk asks V8 to compile every function when the script loads (V8's
 * explicit compile hint, Chromium 136+), on a background thread while the script streams in,
 * instead of compiling each on its first call on the main thread: opening the first conversation
 * ran about 170 such compilations (5-10 ms) between the click and the first frame.
 */
function eagerCompileHint(): Plugin {
  return {
    name: 'packet-chat:eager-compile',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle))
        if (chunk.type === 'chunk' && chunk.isEntry)
          chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
    },
  };
}

export default defineConfig({
  root: path.join(ROOT, 'renderer'),
  base: './',
  build: { outDir: path.join(ROOT, 'dist'), emptyOutDir: true },
  // Under Vitest the electron plugin would build main and try to spawn Electron; tests never need it.
  plugins: [
    react(),
    allowInlineScriptsInDev(),
    eagerCompileHint(),
    ...(process.env['VITEST'] ? [] : electronBuilds()),
  ],
});
