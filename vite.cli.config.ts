import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { build, defineConfig, type Plugin, type Rolldown } from 'vite';

const ROOT = import.meta.dirname;

/**
 * Where the command-line node is built: a small CommonJS entry file, run by bin/packet-chat.js and
 * the tests, which sets the start-up settings and then requires the node itself, `main.js`; beside
 * them in `chunks/` the parts the node loads only when needed (`import()` in the sources,
 * `require()` in the build): MQTT.js when a relay is configured, the @noble fallbacks when a
 * node:crypto primitive fails its self-test, iconv-lite and the confusables table (lazyFiles).
 * `package.json` there says `"type": "commonjs"` (the project's says module).
 */
export const CLI_OUT_DIR = path.join(ROOT, 'dist-cli');
/** The entry (electron/cli/launch.ts, launcherFile): start-up settings, then CLI_MAIN. */
export const CLI_BUNDLE = 'packet-chat.js';
/** The node (electron/cli/main.ts). */
export const CLI_MAIN = 'main.js';
export const CLI_CHUNKS = 'chunks';
export const CLI_PACKAGE = 'package.json';

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
 * CommonJS, and its entry file (launcherFile). CommonJS rather than ES modules for the idle
 * node's memory: Node loads it without its ES module loader, and keeps one copy of the source,
 * not two (1.1 MiB less, docs/BENCHMARKS.md "Fifth pass: idle CLI memory"). An SSR build is
 * Vite's Node target (https://vite.dev/guide/ssr#building-for-production);
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
    // The only assets are package.json and lazyFiles' files (an SSR build drops assets by default).
    ssrEmitAssets: true,
    rolldownOptions: {
      output: {
        format: 'cjs',
        // No comments: V8 keeps the node's source for as long as the node runs (0.17 MB less).
        comments: false,
        entryFileNames: CLI_MAIN,
        chunkFileNames: (chunk) => `${CLI_CHUNKS}/${chunkName(chunk.facadeModuleId)}-[hash].js`,
      },
    },
  },
  ssr: { target: 'node', noExternal: true },
  // A large JSON file (the confusables table, shared/names.ts) as one string for JSON.parse, not
  // as JavaScript: a 100 kB object literal with a getter per key cost the idle node about 14 MiB
  // of parsing and compiling at start-up.
  json: { namedExports: false, stringify: true },
  plugins: [nodePrefixedBuiltins(), commonJsFolder(), launcherFile(), lazyFiles(), asciiOnly()],
});

/** `dist-cli/package.json`: the `.js` files there are CommonJS. */
function commonJsFolder(): Plugin {
  return {
    name: 'packet-chat:commonjs-folder',
    generateBundle() {
      const source = `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`;
      this.emitFile({ type: 'asset', fileName: CLI_PACKAGE, source });
    },
  };
}

/**
 * A package the idle node does not need, in a file of its own under `chunks/` and loaded with
 * `require()` at its first use instead of read and compiled at start (docs/BENCHMARKS.md, "Fifth
 * pass: idle CLI memory"). Their callers use them synchronously (inside packet handlers, in
 * `nameSkeletons`), so the files are CommonJS or JSON, which `require()` loads synchronously, and
 * are built on their own, sharing nothing with the node: it loads no extra module at start. What
 * the one importing source file (`importer`) gets for `id` is a stand-in (`standIn`) that loads
 * the file through `load()`; a file that cannot be loaded (a broken install) is
 * reported on stderr once, and the stand-in says what the node does then.
 */
interface LazyFile {
  /** The import specifier replaced, and the source file whose import of it is replaced. */
  readonly id: string;
  readonly importer: string;
  /** `chunks/NAME-HASH.EXT`. */
  readonly name: string;
  readonly ext: 'cjs' | 'json';
  /** What load() fails to load, for the message. */
  readonly what: string;
  /** The file's text (ASCII only, see asciiOnly). */
  readonly build: () => Promise<string>;
  /** The stand-in module's code after `load()` (which returns the file's exports or undefined). */
  readonly standIn: string;
}

const LAZY_FILES: readonly LazyFile[] = [
  {
    // GB18030 and CP932 for IPMsg's legacy peers: 0.54 MB of code and tables. If it cannot be
    // loaded, decoding falls back to Node's own TextDecoder (the same GB18030; Shift_JIS for
    // CP932), and encoding writes ASCII with `?` for every other character (what iconv-lite does
    // with a character the encoding cannot carry).
    id: 'iconv-lite',
    importer: '/electron/net/ipmsg/text-encoding.ts',
    name: 'iconv-lite',
    ext: 'cjs',
    what: 'the GB18030/CP932 codec',
    build: buildIconv,
    standIn: `const builtIn = { gb18030: 'gb18030', cp932: 'shift_jis' };
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
`,
  },
  {
    // Unicode's confusables (0.15 MB as a string, about 0.5 MiB parsed), read only when names are
    // compared. The stand-in is a read-only view of the table that loads it at the first look;
    // if it cannot be loaded, the table is empty: names are still compared case-folded and
    // without invisible characters, and look-alikes by script are not found.
    id: 'unhomoglyph/data.json',
    importer: '/shared/names.ts',
    name: 'confusables',
    ext: 'json',
    what: "Unicode's table of confusable characters",
    build: async () =>
      toAscii(
        JSON.stringify(
          JSON.parse(await readFile(require.resolve('unhomoglyph/data.json'), 'utf8')),
        ),
      ),
    standIn: `let table;
const read = () => (table ??= load() ?? {});
// The target stays empty and extensible: the traps answer from the table (a proxy of a frozen
// object may not report keys its target lacks).
export default new Proxy({}, {
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
  get: (_, key) => (Object.hasOwn(read(), key) ? read()[key] : undefined),
  has: (_, key) => Object.hasOwn(read(), key),
  ownKeys: () => Object.keys(read()),
  getOwnPropertyDescriptor: (_, key) =>
    Object.hasOwn(read(), key)
      ? { value: read()[key], writable: false, enumerable: true, configurable: true }
      : undefined,
});
`,
  },
];

const LAZY_PREFIX = '\0packet-chat:lazy:';
const placeholder = (file: LazyFile): string => `__PACKET_CHAT_LAZY_${file.name}__`;
const require = createRequire(import.meta.url);

function lazyFiles(): Plugin {
  return {
    name: 'packet-chat:lazy-files',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith(LAZY_PREFIX)) return id;
      const file = LAZY_FILES.find((f) => f.id === id && importer?.endsWith(f.importer));
      return file === undefined ? null : `${LAZY_PREFIX}${file.name}`;
    },
    load(id) {
      const file = LAZY_FILES.find((f) => id === `${LAZY_PREFIX}${f.name}`);
      if (file === undefined) return null;
      // The build is CommonJS (its chunk's own __filename and __dirname).
      return `import { createRequire } from 'node:module';
import { join } from 'node:path';
let loaded;
let failed = false;
function load() {
  if (loaded === undefined && !failed) {
    const file = join(__dirname, ${JSON.stringify(placeholder(file))});
    try {
      loaded = createRequire(__filename)(file);
    } catch (error) {
      failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(\`packet-chat: cannot load ${file.what} \${file}: \${reason}\\n\`);
    }
  }
  return loaded;
}
${file.standIn}`;
    },
    async generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter(
        (out): out is Rolldown.OutputChunk => out.type === 'chunk',
      );
      for (const file of LAZY_FILES) {
        // One stand-in, or the file would be loaded once per copy. It finds the file from its
        // own chunk's __dirname (the node's chunk, chunks/main-HASH.js).
        const [home, ...more] = chunks.filter((chunk) => chunk.code.includes(placeholder(file)));
        if (more.length > 0)
          this.error(
            `${file.id}'s stand-in is in ${[home, ...more].map((c) => c?.fileName).join(', ')}`,
          );
        if (home === undefined) continue;
        const source = await file.build();
        const hash = createHash('sha256').update(source).digest('base64url').slice(0, 8);
        const fileName = `${CLI_CHUNKS}/${file.name}-${hash}.${file.ext}`;
        this.emitFile({ type: 'asset', fileName, source });
        const fromHome = path.posix.relative(path.posix.dirname(home.fileName), fileName);
        home.code = home.code.replaceAll(placeholder(file), fromHome);
      }
    },
  };
}

/**
 * One CommonJS file with only `node:*` requires from `entry`, built apart from the CLI (a nested
 * build), as ASCII; `comments: false` leaves its comments out.
 */
async function nestedCjsFile(
  entry: string,
  options: { comments?: false; json?: boolean } = {},
): Promise<string> {
  const output = await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: entry,
      write: false,
      target: 'node24',
      minify: false,
      reportCompressedSize: false,
      rolldownOptions: {
        output: options.comments === false ? { format: 'cjs', comments: false } : { format: 'cjs' },
      },
    },
    ssr: { target: 'node', noExternal: true },
    ...(options.json === true ? { json: { namedExports: false, stringify: true } } : {}),
    plugins: [nodePrefixedBuiltins()],
  });
  const results = Array.isArray(output) ? output : [output];
  const files = results.flatMap((result) => ('output' in result ? result.output : []));
  const [file, ...rest] = files;
  if (file?.type !== 'chunk' || rest.length > 0)
    throw new Error(`${path.basename(entry)}: expected one file`);
  return toAscii(file.code);
}

/** iconv-lite as one CommonJS file with only `node:*` requires (a nested build). */
function buildIconv(): Promise<string> {
  return nestedCjsFile(require.resolve('iconv-lite'), { json: true });
}

/**
 * The entry, `packet-chat.js`: electron/cli/launch.ts, built on its own (a nested build, as
 * iconv-lite's file) and sharing nothing with the node. A file of its own so that running the
 * node again with its start-up settings costs one Node start-up and no more: Node reads and
 * compiles the whole of a file before it runs its first line, and the node is 0.9 MB
 * (docs/BENCHMARKS.md, "Issue 18, sixth pass: idle CLI memory"). Built apart, too, because the
 * bundler requires a chunk the entry loads at the entry's very top, before the settings are set.
 */
function launcherFile(): Plugin {
  return {
    name: 'packet-chat:launcher-file',
    async generateBundle() {
      const source = await nestedCjsFile(path.join(ROOT, 'electron/cli/launch.ts'), {
        comments: false,
      });
      this.emitFile({ type: 'asset', fileName: CLI_BUNDLE, source });
    },
  };
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
