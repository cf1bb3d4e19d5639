// electron-builder cannot download Electron here, so the installers are checked through their
// configuration: electron-builder's own JSON schema, the values the issue asks for, the icons,
// and the list of files that electron-builder's own file matcher would pack.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
// app-builder-lib as electron-builder itself loads it.
const builderDir = path.dirname(require.resolve('electron-builder/package.json'));
const fromBuilder = (id: string) => require.resolve(id, { paths: [builderDir] });
const schema = JSON.parse(
  readFileSync(fromBuilder('app-builder-lib/scheme.json'), 'utf8'),
) as object;
const config = load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;
const at = (key: string) => config[key] as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // …and the check has teeth: a misspelt key or a wrong type fails it.
    expect(validate({ ...config, fileAssocations: [] })).toBe(false);
    expect(validate({ ...config, asar: 'yes' })).toBe(false);
  });

  it('names the app and targets every platform', () => {
    expect(config['appId']).toBe('net.packetchat.app');
    expect(config['productName']).toBe('PacketChat');
    expect(at('linux')['target']).toEqual(['AppImage', 'deb']);
    expect(at('linux')['category']).toBe('Network;InstantMessaging');
    expect(at('win')['target']).toEqual(['nsis']);
    expect(at('mac')['target']).toEqual(['dmg']);
    expect(at('mac')['category']).toBe('public.app-category.social-networking');
  });

  it('claims no file types or URL schemes, copies nothing extra and never publishes', () => {
    expect(config['fileAssociations']).toEqual([]);
    expect(config['protocols']).toEqual([]);
    expect(config['publish']).toBeNull();
    for (const key of ['extraFiles', 'extraResources', 'asarUnpack']) {
      expect(config, key).not.toHaveProperty(key);
    }
  });

  it('hardens the Electron fuses', () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config['asar']).toBe(true);
  });

  it('packs no node_modules: no production dependencies, nothing native to rebuild', async () => {
    // Vite bundles what the app needs (zod, …) into dist-electron/, so package.json lists every
    // package under devDependencies, which electron-builder never copies.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(await productionModules(ROOT, 'npm')).toEqual([]);
    expect(await productionModules(ROOT, 'traversal')).toEqual([]);
    // Storage is node:sqlite: there is no native module to rebuild for Electron.
    expect(config['npmRebuild']).toBe(false);
    expect(config).not.toHaveProperty('beforeBuild');
  });

  it('would notice a production dependency (the check above has teeth)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packet-chat-deps-'));
    try {
      writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: 'fixture', version: '1.0.0', dependencies: { zod: '^4.0.0' } }),
      );
      mkdirSync(path.join(dir, 'node_modules/zod'), { recursive: true });
      writeFileSync(
        path.join(dir, 'node_modules/zod/package.json'),
        JSON.stringify({ name: 'zod', version: '4.0.0' }),
      );
      expect(await productionModules(dir, 'traversal')).toEqual(['zod']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Collector {
  getNodeModules(options: { packageName: string }): Promise<{ nodeModules: { name: string }[] }>;
}

/**
 * The node_modules electron-builder would copy into the app for `dir`, as its own collectors find
 * them: `npm` runs `npm list --omit=dev`, `traversal` walks package.json dependencies.
 */
async function productionModules(dir: string, pm: 'npm' | 'traversal'): Promise<string[]> {
  const { getCollectorByPackageManager } = require(
    fromBuilder('app-builder-lib/out/node-module-collector'),
  ) as { getCollectorByPackageManager: (pm: string, dir: string, tmp: unknown) => Collector };
  const { TmpDir } = require(fromBuilder('builder-util')) as {
    TmpDir: new (debugName: string) => { cleanup(): Promise<unknown> };
  };
  const tmp = new TmpDir('builder-config-test');
  try {
    const name = (
      JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string }
    ).name;
    const { nodeModules } = await getCollectorByPackageManager(pm, dir, tmp).getNodeModules({
      packageName: name,
    });
    return nodeModules.map((module) => module.name).sort();
  } finally {
    await tmp.cleanup();
  }
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('app icon', () => {
  it('has the SVG source, a 1024 px icon.png and every size the targets need', () => {
    expect(readFileSync(path.join(ROOT, 'build/icon.svg'), 'utf8')).toContain('<svg');
    expect(pngSize(path.join(ROOT, 'build/icon.png'))).toEqual([1024, 1024]);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(path.join(ROOT, `build/icons/${size}x${size}.png`))).toEqual([size, size]);
    }
    for (const key of ['win', 'mac', 'linux']) {
      expect(existsSync(path.join(ROOT, at(key)['icon'] as string)), key).toBe(true);
    }
  });
});

type Filter = (file: string, stat: ReturnType<typeof statSync>) => boolean;
interface Matcher {
  createFilter(): Filter;
}
type GetMainFileMatchers = (
  appDir: string,
  destination: string,
  macroExpander: (pattern: string) => string,
  platformOptions: unknown,
  platformPackager: unknown,
  outDir: string,
  isElectronCompile: boolean,
) => Matcher[];

/**
 * The app files electron-builder would put in app.asar for `dir`: its own `getMainFileMatchers`
 * (the `files` globs plus its default exclusions), applied to a walk of the tree the way its
 * copier walks it (a directory the filter refuses is not entered). node_modules are skipped:
 * electron-builder copies only production dependencies from them, and there are none (tested above).
 */
function packedFiles(dir: string): string[] {
  const { getMainFileMatchers } = require(fromBuilder('app-builder-lib/out/fileMatcher')) as {
    getMainFileMatchers: GetMainFileMatchers;
  };
  const directories = config['directories'] as { output: string; buildResources: string };
  const info = {
    isPrepackedAppAsar: false,
    config,
    projectDir: dir,
    buildResourcesDir: directories.buildResources,
    debugLogger: { isEnabled: false },
  };
  const outDir = path.join(dir, directories.output);
  const [matcher, ...others] = getMainFileMatchers(
    dir,
    '/app',
    (p) => p,
    at('linux'),
    { info },
    outDir,
    false,
  );
  expect(others).toEqual([]);
  const filter = matcher!.createFilter();
  const walk = (relative: string): string[] =>
    readdirSync(path.join(dir, relative)).flatMap((name) => {
      const file = path.join(dir, relative, name);
      const stat = statSync(file);
      if (name === 'node_modules' || !filter(file, stat)) return [];
      const child = relative === '' ? name : `${relative}/${name}`;
      return stat.isDirectory() ? walk(child) : [child];
    });
  return walk('').sort();
}

const isBuiltOutput = (file: string) =>
  file === 'package.json' || file.startsWith('dist/') || file.startsWith('dist-electron/');

describe('files that would be packed', () => {
  const fixture = mkdtempSync(path.join(tmpdir(), 'packet-chat-pack-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));
  for (const file of [
    'package.json',
    'README.md',
    'tsconfig.json',
    'vite.config.ts',
    'electron-builder.yml',
    'dist/index.html',
    'dist/assets/index-abc.js',
    'dist-electron/main.js',
    'dist-electron/preload.cjs',
    'electron/main.ts',
    'electron/net/node.ts',
    'shared/ipc.ts',
    'renderer/src/App.tsx',
    'test/electron/main.test.ts',
    'docs/SECURITY.md',
    'build/icon.png',
    'dist-cli/packet-chat.js',
    'release/PacketChat-0.1.0.AppImage',
    'release/linux-unpacked/resources/app.asar',
    'node_modules/zod/index.js',
    '.profiles/default/db.sqlite',
  ]) {
    mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    writeFileSync(path.join(fixture, file), '');
  }

  it('are the built output and package.json only (from a tree with everything in it)', () => {
    expect(packedFiles(fixture)).toEqual([
      'dist-electron/main.js',
      'dist-electron/preload.cjs',
      'dist/assets/index-abc.js',
      'dist/index.html',
      'package.json',
    ]);
  });

  it('contain no sources, tests or docs from this repository', () => {
    const files = packedFiles(ROOT);
    expect(files).toContain('package.json');
    expect(files.filter((file) => !isBuiltOutput(file))).toEqual([]);
    expect(files.filter((file) => /\.tsx?$|\.test\.|\.map$/.test(file))).toEqual([]);
  });
});
