// The layering rules of eslint.config.js must actually fire: each planted wrong-way import below
// is linted as if it were a file at that path (not written to disk), and must be reported.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');

/** The project's config, without the type-aware rules (a planted file is in no tsconfig). */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? '?'}: ${m.message}`);
}

describe('layering rules', () => {
  it.each([
    ['electron/net/planted.ts', "import { createBackend } from '../app/backend';", 'net core'],
    ['electron/net/planted.ts', "import { openStore } from '../store/open-store';", 'net core'],
    ['electron/store/planted.ts', "import { createHandlers } from '../app/handlers';", 'store'],
    [
      'electron/app/planted.ts',
      "import { registerCalls } from '../ipc/register-calls';",
      'app core',
    ],
    ['electron/app/planted.ts', "import { Wire } from '../net/wire';", 'electron/net/index.ts'],
    ['electron/cli/planted.ts', "import { TextSender } from '../net/text-sender';", 'index.ts'],
    ['shared/planted.ts', "import { createNode } from '../electron/net/index';", 'shared/'],
    [
      'renderer/src/planted.ts',
      "import { Session } from '../../electron/app/session';",
      'renderer',
    ],
    ['shared/planted.ts', "import { readFileSync } from 'node:fs';", 'runtime-neutral'],
    ['electron/app/planted.ts', "import { app } from 'electron';", 'Only the Electron shell'],
    ['electron/store/planted.ts', "import { app } from 'electron';", 'Only the Electron shell'],
    ['electron/shell/planted.ts', "import { ipcMain } from 'electron';", 'register-calls.ts'],
    ['electron/main.ts', "import { ipcRenderer } from 'electron';", 'preload.ts'],
  ])('%s: %s', async (file, code, says) => {
    const found = await problems(file, `${code}\nexport const planted = 1;\n`);
    expect(found.join('\n')).toContain(says);
  });

  it('allows the roads the architecture names', async () => {
    const ok: [string, string][] = [
      ['electron/app/planted.ts', "import { createNode } from '../net/index';"],
      ['electron/store/planted.ts', "import type { NodePersistence } from '../net/index';"],
      ['electron/shell/planted.ts', "import { app } from 'electron';"],
      ['renderer/src/planted.ts', "import type { ChatMessage } from '../../shared/domain';"],
    ];
    for (const [file, code] of ok) {
      const found = await problems(file, `${code}\nexport const planted = 1;\n`);
      expect(found.filter((p) => !p.startsWith('@typescript-eslint/no-unused-vars'))).toEqual([]);
    }
  });

  it('reports an import cycle, type-only imports included', async () => {
    // renderer/src/store/state.ts is imported by every slice: a slice it imported back would knot them.
    const found = await problems(
      'renderer/src/store/state.ts',
      "import type { UiSlice } from './state';\nimport type { X } from './ui-slice';\nexport type Y = UiSlice | X;\n",
    );
    expect(found.join('\n')).toContain('Import cycle');
  });
});
