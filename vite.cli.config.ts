import { isBuiltin } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const ROOT = import.meta.dirname;

/**
 * Where the command-line node is built: one ESM entry file, run by bin/packet-chat.js and the
 * tests, and beside it in `chunks/` the parts it loads only when needed (`import()`): MQTT.js when
 * a relay is configured, the @noble fallbacks when a node:crypto primitive fails its self-test.
 */
export const CLI_OUT_DIR = path.join(ROOT, 'dist-cli');
export const CLI_BUNDLE = 'packet-chat.js';
export const CLI_CHUNKS = 'chunks';

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
 * `vite build --config vite.cli.config.ts`: the headless node (`electron/cli/main.ts`) as Node
 * ESM. An SSR build is Vite's Node target (https://vite.dev/guide/ssr#building-for-production);
 * `noExternal: true` bundles every package (zod, …), so only `node:*` built-ins and the build's
 * own chunks are imports and the folder runs without node_modules. Each dynamic `import()` is a
 * chunk of its own: code the idle node never runs is then neither read nor compiled (the idle
 * node's memory, docs/BENCHMARKS.md "Idle CLI memory"). Chunk names carry a content hash, so a
 * rebuild never changes a chunk a running node may still load. Not minified, so stack traces name
 * our functions.
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
      output: {
        format: 'es',
        entryFileNames: CLI_BUNDLE,
        chunkFileNames: (chunk) => `${CLI_CHUNKS}/${chunkName(chunk.facadeModuleId)}-[hash].js`,
      },
    },
  },
  ssr: { target: 'node', noExternal: true },
  // A large JSON file (the confusables table, shared/names.ts) as one string for JSON.parse, not
  // as JavaScript: a 100 kB object literal with a getter per key cost the idle node about 14 MiB
  // of parsing and compiling at start-up.
  json: { namedExports: false, stringify: true },
  plugins: [nodePrefixedBuiltins(), asciiOnly()],
});

/** A chunk is named after the package it starts in (`mqtt`, `noble-crypto`), not `index`. */
function chunkName(facade: string | null): string {
  if (facade === null) return 'shared';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(facade)?.[1];
  return (pkg ?? path.basename(facade).replace(/\.[^.]+$/, '')).replace(/[^a-z0-9-]+/gi, '-');
}

/**
 * Every character above U+007F in the bundle written as a \u escape (valid in strings, regular
 * expressions, template literals, identifiers and comments alike). Node keeps an ASCII-only
 * script in one byte per character; a single other character makes V8 hold the whole 0.8 MB
 * source in two bytes per character.
 */
function asciiOnly(): Plugin {
  return {
    name: 'packet-chat:ascii-only',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        file.code = file.code.replace(
          /[^\t\n\v\f\r\x20-\x7e]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
      }
    },
  };
}
