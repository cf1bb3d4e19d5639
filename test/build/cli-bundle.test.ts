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
import { tokenizer, tokTypes, type Token } from 'acorn';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../helpers/cli-node';

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
  it('imports and requires only node:* built-ins', () => {
    const { imports, bare, requires, dynamic } = modulesNamed(readFileSync(CLI_BUNDLE, 'utf8'));
    const all = [...imports, ...bare, ...requires, ...dynamic];
    expect(imports.length).toBeGreaterThan(5);
    expect(requires).toContain('node:events'); // MQTT.js's CommonJS is in there
    for (const name of all) {
      expect(name, `${name} is not a node:* built-in`).toMatch(/^node:/);
      expect(isBuiltin(name)).toBe(true);
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
