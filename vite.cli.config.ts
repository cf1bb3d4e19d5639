import { isBuiltin } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const ROOT = import.meta.dirname;

/** Where the command-line node is built: one ESM file, run by bin/packet-chat.js and the tests. */
export const CLI_OUT_DIR = path.join(ROOT, 'dist-cli');
export const CLI_BUNDLE = 'packet-chat.js';

/**
 * CommonJS packages (MQTT.js and its dependencies) require Node's built-ins by their bare names
 * (`require("events")`); this names them `node:events`, so a built-in can never be mistaken for
 * an npm package of the same name (there are `events` and `buffer` packages) and every import of
 * the bundle is a `node:*` one (test/build/cli-bundle.test.ts).
 */
function nodePrefixedBuiltins(): Plugin {
  return {
    name: 'packet-chat:node-prefixed-builtins',
    enforce: 'pre',
    resolveId(id) {
      if (id.startsWith('node:') || !isBuiltin(id)) return null;
      return { id: `node:${id}`, external: true };
    },
  };
}

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
  plugins: [nodePrefixedBuiltins()],
});
