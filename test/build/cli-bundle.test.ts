/**
 * The command-line node is a small entry file, the node it requires (main.js) and the chunks the
 * node loads when needed, whose only imports
 * are Node's built-ins and each other (README, "Command-line node"): every npm package, MQTT.js
 * and its CommonJS dependencies included, is bundled, and built-ins are named `node:*`
 * (vite.cli.config.ts). A copy of the folder in an empty directory, far from node_modules, runs,
 * and loads MQTT.js from its chunk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tokenizer, tokTypes, type Token } from 'acorn';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE, CLI_MAIN } from '../helpers/cli-node';

const CLI_DIR = dirname(CLI_BUNDLE);
/** The entry file, the node and every chunk beside them. */
const BUILT = [
  CLI_BUNDLE,
  CLI_MAIN,
  ...readdirSync(join(CLI_DIR, 'chunks')).map((name) => join(CLI_DIR, 'chunks', name)),
];

/**
 * The module names the bundle imports or requires, read from its tokens (acorn's tokenizer), so
 * that text inside a string (iconv-lite's message "Use …(require('stream'))") is not taken for
 * a require.
 */
function modulesNamed(code: string): Record<'imports' | 'bare' | 'requires' | 'dynamic', string[]> {
  const tokens: Token[] = [...tokenizer(code, { ecmaVersion: 'latest', sourceType: 'module' })];
  const found = {
    imports: [] as string[],
    bare: [] as string[],
    requires: [] as string[],
    dynamic: [] as string[],
  };
  // A module name has no escapes: the string token's text without its quotes.
  const text = (t: Token | undefined): string | undefined =>
    t?.type === tokTypes.string ? code.slice(t.start + 1, t.end - 1) : undefined;
  const word = (t: Token | undefined): string | undefined =>
    t?.type === tokTypes.name ? code.slice(t.start, t.end) : undefined;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    const call = tokens[i + 1]?.type === tokTypes.parenL ? text(tokens[i + 2]) : undefined;
    const name = word(t);
    if ((name === 'require' || name === '__require') && tokens[i - 1]?.type !== tokTypes.dot) {
      if (call !== undefined) found.requires.push(call);
    } else if (t?.type === tokTypes._import) {
      const next = text(tokens[i + 1]);
      if (call !== undefined) found.dynamic.push(call);
      else if (next !== undefined) found.bare.push(next);
    } else if (name === 'from') {
      const next = text(tokens[i + 1]);
      if (next !== undefined) found.imports.push(next);
    }
  }
  return found;
}

describe('the CLI bundle', () => {
  it('imports and requires only node:* built-ins and its own chunks', () => {
    const requires: string[] = [];
    const dynamic: string[] = [];
    for (const file of BUILT) {
      const found = modulesNamed(readFileSync(file, 'utf8'));
      requires.push(...found.requires);
      dynamic.push(...found.dynamic);
      for (const name of [...found.imports, ...found.bare, ...found.requires, ...found.dynamic]) {
        if (name.startsWith('.')) {
          expect(existsSync(resolve(dirname(file), name)), `${file} imports ${name}`).toBe(true);
          continue;
        }
        expect(name, `${name} is not a node:* built-in`).toMatch(/^node:/);
        expect(isBuiltin(name)).toBe(true);
      }
    }
    expect(requires).toContain('node:events'); // MQTT.js's CommonJS is in there
    // Loaded only when needed: MQTT.js for a relay, @noble when node:crypto fails its self-test.
    // The build is CommonJS: the sources' import() is a require() in a promise.
    expect(dynamic).toEqual([]);
    expect(requires.filter((name) => name.startsWith('./chunks/mqtt-'))).toHaveLength(1);
    expect(requires.filter((name) => name.startsWith('./chunks/noble-crypto-'))).toHaveLength(1);
  });

  it('keeps the entry small: start-up settings, then the node', () => {
    // Node compiles all of a file before it runs a line of it; the entry runs the node again
    // (docs/BENCHMARKS.md, "Issue 18, sixth pass: idle CLI memory"), so it must not hold the node.
    const entry = readFileSync(CLI_BUNDLE, 'utf8');
    expect(entry.length).toBeLessThan(8_000);
    expect(entry).toContain('"main.js"');
    expect(entry).not.toContain('Usage: packet-chat');
    expect(readFileSync(CLI_MAIN, 'utf8')).toContain('Usage: packet-chat');
  });

  it('keeps MQTT.js out of the node file', () => {
    // The idle node reads and compiles only the entry and the node (docs/BENCHMARKS.md, "Idle
    // CLI memory").
    expect(readFileSync(CLI_MAIN, 'utf8')).not.toContain('node_modules/mqtt/');
  });

  it('keeps iconv-lite out of the node file, in a CommonJS file of its own that it names', () => {
    // Loaded with require() at the first GB18030/CP932 text (vite.cli.config.ts, lazyIconv).
    const node = readFileSync(CLI_MAIN, 'utf8');
    expect(node).not.toContain('node_modules/iconv-lite/');
    const named = [...node.matchAll(/"(chunks\/iconv-lite-[\w-]+\.cjs)"/g)].map((m) => m[1]!);
    expect(named).toHaveLength(1);
    const file = join(CLI_DIR, named[0]!);
    expect(readFileSync(file, 'utf8')).toContain('node_modules/iconv-lite/');
    const codec = spawnSync(
      process.execPath,
      [
        '-e',
        `process.stdout.write(require(${JSON.stringify(file)}).encode('你好', 'gb18030').toString('hex'))`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(codec.stdout).toBe('c4e3bac3');
  });

  it('runs from a directory without node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-bundle-'));
    try {
      cpSync(CLI_DIR, dir, { recursive: true, filter: (src) => !src.includes('/.build-') });
      const copy = join(dir, 'packet-chat.js');
      const run = spawnSync(process.execPath, [copy, '--help'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, NODE_PATH: '' },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('--relay URL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads MQTT.js from its chunk in such a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-bundle-'));
    cpSync(CLI_DIR, dir, { recursive: true, filter: (src) => !src.includes('/.build-') });
    // A broker port on loopback where nothing listens: the relay connection is refused, which
    // MQTT.js itself reports (a chunk that failed to load would say "cannot load MQTT.js").
    const child = spawn(
      process.execPath,
      [
        join(dir, 'packet-chat.js'),
        '--json',
        '--no-ipmsg',
        '--server-port',
        String(randomInt(20_000, 29_000)),
        '--client-port',
        String(randomInt(30_000, 60_000)),
        '--broadcast',
        '127.255.255.255',
        '--data-dir',
        join(dir, 'profile'),
        '--relay',
        'mqtt://127.0.0.1:9',
      ],
      { cwd: dir, env: { ...process.env, NODE_PATH: '', XDG_CONFIG_HOME: dir } },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const error = await new Promise<string>((resolveError, reject) => {
        child.once('exit', (code) => reject(new Error(`node exited (${String(code)})`)));
        lines.on('line', (line) => {
          const event = JSON.parse(line) as { type: string; relays?: { error?: string }[] };
          const failure = event.type === 'relay' ? event.relays?.[0]?.error : undefined;
          if (failure !== undefined) resolveError(failure);
        });
      });
      expect(error).not.toMatch(/cannot load/);
      expect(error).toMatch(/ECONNREFUSED/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
