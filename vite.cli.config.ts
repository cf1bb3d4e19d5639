import { createHash } from 'node:crypto';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { build, defineConfig, type Plugin, type Rolldown } from 'vite';

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
    // The one asset is lazyIconv's iconv-lite file (an SSR build drops assets by default).
    ssrEmitAssets: true,
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
  plugins: [nodePrefixedBuiltins(), lazyIconv(), asciiOnly()],
});

const LAZY_ICONV = '\0packet-chat:lazy-iconv';
const ICONV_FILE = '__PACKET_CHAT_ICONV_FILE__';

/**
 * iconv-lite (GB18030 and CP932 for IPMsg's legacy peers: 0.54 MB of code and tables) in a file
 * of its own, `chunks/iconv-lite-HASH.cjs`, loaded at the first legacy text and not at start: the
 * idle node neither reads nor compiles it (docs/BENCHMARKS.md, "Fifth pass: idle CLI memory").
 * Its callers (electron/net/ipmsg/text-encoding.ts) encode and decode synchronously inside packet
 * handlers, so the file is CommonJS, loaded with `require()`, and built on its own (a second,
 * nested build) so that it shares no chunk with the entry: the entry loads no extra module at
 * start. What text-encoding.ts imports as `iconv-lite` is a stand-in with the two functions it
 * calls. If the file cannot be loaded (a broken install), the node says so on stderr once and
 * runs on: decoding falls back to Node's own TextDecoder (the same GB18030; Shift_JIS for CP932),
 * and encoding writes ASCII with `?` for every other character (what iconv-lite does with a
 * character the encoding cannot carry).
 */
function lazyIconv(): Plugin {
  return {
    name: 'packet-chat:lazy-iconv',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id === LAZY_ICONV) return id;
      if (id === 'iconv-lite' && importer?.endsWith('/electron/net/ipmsg/text-encoding.ts'))
        return LAZY_ICONV;
      return null;
    },
    load(id) {
      if (id !== LAZY_ICONV) return null;
      return `import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let codec;
let failed = false;
function load() {
  if (codec === undefined && !failed) {
    const file = fileURLToPath(new URL(${JSON.stringify(ICONV_FILE)}, import.meta.url));
    try {
      codec = createRequire(import.meta.url)(file);
    } catch (error) {
      failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(\`packet-chat: cannot load the GB18030/CP932 codec \${file}: \${reason}\\n\`);
    }
  }
  return codec;
}
const builtIn = { gb18030: 'gb18030', cp932: 'shift_jis' };
export default {
  encode(text, encoding) {
    const iconv = load();
    if (iconv !== undefined) return iconv.encode(text, encoding);
    return Buffer.from(text.replace(/[^\\x00-\\x7f]/gu, '?'), 'latin1');
  },
  decode(bytes, encoding) {
    const iconv = load();
    if (iconv !== undefined) return iconv.decode(bytes, encoding);
    return new TextDecoder(builtIn[encoding] ?? encoding).decode(bytes);
  },
};
`;
    },
    async generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find(
        (file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.isEntry,
      );
      if (entry === undefined || !entry.code.includes(ICONV_FILE)) return;
      const code = await buildIconv();
      const hash = createHash('sha256').update(code).digest('base64url').slice(0, 8);
      const fileName = `${CLI_CHUNKS}/iconv-lite-${hash}.cjs`;
      this.emitFile({ type: 'asset', fileName, source: code });
      entry.code = entry.code.replaceAll(ICONV_FILE, `./${fileName}`);
    },
  };
}

/** iconv-lite as one CommonJS file with only `node:*` requires (the nested build of lazyIconv). */
async function buildIconv(): Promise<string> {
  const output = await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: createRequire(import.meta.url).resolve('iconv-lite'),
      write: false,
      target: 'node24',
      minify: false,
      reportCompressedSize: false,
      rolldownOptions: { output: { format: 'cjs' } },
    },
    ssr: { target: 'node', noExternal: true },
    json: { namedExports: false, stringify: true },
    plugins: [nodePrefixedBuiltins()],
  });
  const results = Array.isArray(output) ? output : [output];
  const files = results.flatMap((result) => ('output' in result ? result.output : []));
  const [file, ...rest] = files;
  if (file?.type !== 'chunk' || rest.length > 0) throw new Error('iconv-lite: expected one file');
  return toAscii(file.code);
}

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
        file.code = toAscii(file.code);
      }
    },
  };
}

function toAscii(code: string): string {
  return code.replace(
    /[^\t\n\v\f\r\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
