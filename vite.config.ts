import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type Rolldown } from 'vite';
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

const ENTRY_FILE = path.join(ROOT, 'renderer/src/main.tsx');
const BOOT_FILE = path.join(ROOT, 'renderer/src/boot.tsx');

/** Every module `from` imports statically, itself included. */
function staticGraph(
  from: string,
  info: (id: string) => { readonly importedIds: readonly string[] } | null,
): Set<string> {
  const found = new Set<string>();
  const stack = [from];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(info(id)?.importedIds ?? []));
  }
  return found;
}

/**
 * One chunk for the first screen: every module boot.tsx imports statically goes into boot's
 * chunk, except what the entry itself imports. Without this, Rolldown makes a small chunk of
 * each module that a view loaded on first use shares with the first screen (the icons, the
 * store's context, the formatters), and the window waits for each file: in the bench, files
 * requested together came back hundreds of milliseconds apart while main answered the contact
 * list (the files and the calls share main's thread, in Electron as in the bench).
 */
function firstScreenGroups(): Rolldown.CodeSplittingGroup[] {
  // One chunking pass asks for every module; the graphs are walked once per pass.
  const memo = new WeakMap<object, { shared: Set<string>; boot: Set<string> }>();
  const graphs = (context: Rolldown.ChunkingContext) => {
    let found = memo.get(context);
    if (found === undefined) {
      const info = (id: string) => context.getModuleInfo(id);
      const entry = staticGraph(ENTRY_FILE, info);
      const all = [...staticGraph(BOOT_FILE, info)];
      found = {
        shared: new Set(all.filter((id) => entry.has(id))),
        boot: new Set(all.filter((id) => !entry.has(id))),
      };
      memo.set(context, found);
    }
    return found;
  };
  return [
    // What the entry shares with the first screen (i18n/language.ts) in a small chunk of its own.
    // Left to Rolldown, it went into boot's chunk (the boot group takes in the dependencies of what
    // it captures): the entry then imported boot.js statically and started the first screen's
    // calls only after all of it had downloaded and run (from 9753e11, when main.tsx began to import
    // resolveLanguage, to c5ead8d).
    {
      name: (id, context) => (graphs(context).shared.has(id) ? 'entry-shared' : null),
      debugName: 'shared by the entry and the first screen',
      priority: 2,
    },
    {
      name: (id, context) => (graphs(context).boot.has(id) ? 'boot' : null),
      debugName: 'first screen',
      priority: 1,
    },
  ];
}

/** The boot chunk and every chunk it imports statically: what the first screen runs. */
function firstScreenChunks(bundle: Rolldown.OutputBundle): Set<string> {
  const chunks = new Map<string, Rolldown.OutputChunk>();
  for (const item of Object.values(bundle))
    if (item.type === 'chunk') chunks.set(item.fileName, item);
  const boot = [...chunks.values()].find((c) => c.moduleIds.includes(BOOT_FILE));
  const found = new Set<string>();
  const visit = (file: string) => {
    if (found.has(file)) return;
    found.add(file);
    for (const next of chunks.get(file)?.imports ?? []) visit(next);
  };
  if (boot !== undefined) visit(boot.fileName);
  return found;
}

/**
 * The first screen's chunks ask V8 to compile every function when the script loads (V8's
 * explicit compile hint, Chromium 136+), on a background thread while the script streams in,
 * instead of compiling each on its first call on the main thread: opening the first conversation
 * ran about 170 such compilations (5-10 ms) between the click and the first frame. The chunks
 * loaded on first use (settings, inspector, dialogs) compile lazily, as usual.
 */
function eagerCompileHint(): Plugin {
  return {
    name: 'packet-chat:eager-compile',
    apply: 'build',
    enforce: 'post',
    // After Vite's own generateBundle, which puts `const __vite__mapDeps=…` at the top of a chunk
    // with dynamic imports: V8 reads the hint on the first line only.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const first = firstScreenChunks(bundle);
        for (const chunk of Object.values(bundle))
          if (chunk.type === 'chunk' && (chunk.isEntry || first.has(chunk.fileName)))
            chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
      },
    },
  };
}

/**
 * index.html preloads the boot chunk (and the chunks it imports) next to the entry, so the
 * browser fetches and compiles it while the entry runs, instead of after the entry's import().
 */
function preloadFirstScreen(): Plugin {
  return {
    name: 'packet-chat:preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (context.bundle === undefined) return [];
        return [...firstScreenChunks(context.bundle)]
          .filter((file) => !html.includes(file))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
}

export default defineConfig({
  root: path.join(ROOT, 'renderer'),
  base: './',
  build: {
    outDir: path.join(ROOT, 'dist'),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Vite's and Rolldown's helpers (the import() preloader) in a small chunk of their own,
          // before the first screen's group, which would take them in with the modules that use
          // them: the entry would then wait for the whole first screen before it starts the calls.
          groups: [{ name: 'runtime', test: /^\0/, priority: 3 }, ...firstScreenGroups()],
        },
      },
    },
    // The first screen is one chunk on purpose (firstScreenGroups): about 565 kB, React's 190 of it.
    chunkSizeWarningLimit: 800,
  },
  // JSON as one string for JSON.parse, not as JavaScript (as vite.cli.config.ts does): the
  // confusables table (shared/names.ts, 6,000 keys) is in the first screen's chunk, and the emoji
  // data (lib/emoji.ts) in the picker's; JSON.parse reads them faster than V8 compiles a literal.
  json: { namedExports: false, stringify: true },
  // Under Vitest the electron plugin would build main and try to spawn Electron; tests never need it.
  plugins: [
    react(),
    allowInlineScriptsInDev(),
    eagerCompileHint(),
    preloadFirstScreen(),
    ...(process.env['VITEST'] ? [] : electronBuilds()),
  ],
});
