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

  it('packs no node_modules: the beforeBuild hook says they are handled (vite bundled them)', async () => {
    expect(config['npmRebuild']).toBe(true);
    const hook = path.join(ROOT, config['beforeBuild'] as string);
    const loaded = (await import(hook)) as { default: () => unknown };
    expect(await loaded.default()).toBe(false);
  });
});

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
 * the beforeBuild hook (tested above) tells electron-builder not to collect them.
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
    'build/before-build.cjs',
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
