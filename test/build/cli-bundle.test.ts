/**
 * The command-line node is one file whose only imports are Node's built-ins (README,
 * "Command-line node"): every npm package, MQTT.js and its CommonJS dependencies included, is
 * bundled, and built-ins are named `node:*` (vite.cli.config.ts). A copy of the file in an empty
 * directory, far from node_modules, runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../helpers/cli-node';

describe('the CLI bundle', () => {
  it('imports and requires only node:* built-ins', () => {
    const code = readFileSync(CLI_BUNDLE, 'utf8');
    const imports = [...code.matchAll(/^import\s[^;]*?from\s+"([^"]+)";?$/gm)].map((m) => m[1]);
    const bare = [...code.matchAll(/^import\s+"([^"]+)";?$/gm)].map((m) => m[1]);
    const requires = [...code.matchAll(/(?<![\w$])(?:__)?require\(\s*["']([^"']+)["']\s*\)/g)].map(
      (m) => m[1],
    );
    const dynamic = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    const all = [...imports, ...bare, ...requires, ...dynamic];
    expect(imports.length).toBeGreaterThan(5);
    expect(requires).toContain('node:events'); // MQTT.js's CommonJS is in there
    for (const name of all) {
      expect(name, `${String(name)} is not a node:* built-in`).toMatch(/^node:/);
      expect(isBuiltin(name ?? '')).toBe(true);
    }
  });

  it('runs from a directory without node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-bundle-'));
    try {
      const copy = join(dir, 'packet-chat.js');
      copyFileSync(CLI_BUNDLE, copy);
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
});
