import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

// The layering of docs/ARCHITECTURE.md, enforced. Each folder may import only what its runtime
// has and what lies below it: renderer -> shared <- electron main -> electron/net -> shared.

const noNode = {
  group: ['node:*'],
  message: 'shared/ and renderer/ are runtime-neutral: no Node APIs.',
};
const noElectronModule = {
  name: 'electron',
  message: 'Only the Electron shell (electron/main.ts, preload, ipc/, shell/) imports electron.',
};
/** ipcMain only in the one registration file, ipcRenderer only in the preload. */
const ipcMainElsewhere = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Only electron/ipc/register-calls.ts touches ipcMain: register calls through it.',
};
const ipcRendererElsewhere = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'Only electron/preload.ts touches ipcRenderer.',
};
const restrict = (...paths) => ['error', { paths }];
const restrictWithNode = (...paths) => ['error', { paths, patterns: [noNode] }];

/** Zones: a target folder may not import from these. Paths are relative to the repository root. */
const zone = (target, from, message, except) => ({
  target,
  from,
  message,
  ...(except === undefined ? {} : { except }),
});
const ZONES = [
  zone(
    './shared',
    ['./electron', './renderer', './test'],
    'shared/ imports nothing of electron/ or renderer/.',
  ),
  zone(
    './renderer',
    ['./electron', './test'],
    'The renderer reaches main only through window.packetChat.',
  ),
  zone('./electron', ['./renderer'], 'Nothing imports the renderer.'),
  zone(
    './electron/net',
    [
      './electron/app',
      './electron/store',
      './electron/ipc',
      './electron/shell',
      './electron/cli',
      './electron/main.ts',
      './electron/preload.ts',
    ],
    'The net core depends on nothing above it (node:* and shared/ only).',
  ),
  zone(
    './electron/store',
    [
      './electron/app',
      './electron/ipc',
      './electron/shell',
      './electron/cli',
      './electron/main.ts',
    ],
    'The store depends only on the net core’s types and shared/.',
  ),
  zone(
    './electron/app',
    ['./electron/ipc', './electron/shell', './electron/cli', './electron/main.ts'],
    'The app core runs under plain Node: no shell, IPC or CLI.',
  ),
  // The front door: outside electron/net, only electron/net/index.ts is imported.
  zone(
    [
      './electron/app',
      './electron/store',
      './electron/ipc',
      './electron/shell',
      './electron/cli',
      './electron/main.ts',
    ],
    './electron/net',
    'Import the net core through electron/net/index.ts.',
    ['./index.ts'],
  ),
];

/**
 * Import cycles, type-only imports included (import-x/no-cycle skips those, but a cycle of types
 * is still a knot a reader has to untie). Imports are read with TypeScript's pre-processor.
 */
const graph = new Map();
function resolveImport(file, spec) {
  const base = path.resolve(path.dirname(file), spec);
  const candidates = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')];
  if (/\.(ts|tsx|js)$/.test(base)) candidates.unshift(base);
  return candidates.find((candidate) => existsSync(candidate));
}
/** Project files that `file` imports (relative specifiers only); `text` is its source if given. */
function importsOf(file, text) {
  const cached = text === undefined ? graph.get(file) : undefined;
  if (cached !== undefined) return cached;
  const source = text ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const found = ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolveImport(file, spec))
    .filter((resolved) => resolved !== undefined);
  if (text === undefined) graph.set(file, found);
  return found;
}
/** A shortest path of imports from `file` (whose source is `text`) back to itself, or undefined. */
function cycleThrough(file, text) {
  const previous = new Map([[file, undefined]]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const next of current === file ? importsOf(file, text) : importsOf(current)) {
      if (next === file) {
        const chain = [current];
        for (let at = previous.get(current); at !== undefined; at = previous.get(at))
          chain.push(at);
        return [...chain.reverse(), file];
      }
      if (previous.has(next)) continue;
      previous.set(next, current);
      queue.push(next);
    }
  }
  return undefined;
}
const local = {
  rules: {
    'no-import-cycles': {
      meta: { type: 'problem', schema: [], messages: { cycle: 'Import cycle: {{chain}}' } },
      create(context) {
        return {
          Program(node) {
            const chain = cycleThrough(context.filename, context.sourceCode.text);
            if (chain === undefined) return;
            const root = import.meta.dirname;
            const names = chain.map((f) => path.relative(root, f)).join(' -> ');
            context.report({ node, messageId: 'cycle', data: { chain: names } });
          },
        };
      },
    },
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-electron/',
      'dist-cli/',
      'release/',
      'coverage/',
      'test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    plugins: { 'import-x': importX, local },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // A switch over a union names every member, or says why not with a default.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      'local/no-import-cycles': 'error',
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
      'import-x/no-duplicates': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node, parserOptions: { projectService: false } },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': restrictWithNode(noElectronModule, 'react') },
  },
  {
    files: [
      'electron/net/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/app/**/*.ts',
      'electron/store/**/*.ts',
    ],
    rules: { 'no-restricted-imports': restrict(noElectronModule) },
  },
  {
    files: ['electron/main.ts', 'electron/shell/**/*.ts', 'electron/ipc/**/*.ts'],
    ignores: ['electron/ipc/register-calls.ts'],
    rules: { 'no-restricted-imports': restrict(ipcMainElsewhere, ipcRendererElsewhere) },
  },
  {
    files: ['electron/ipc/register-calls.ts'],
    rules: { 'no-restricted-imports': restrict(ipcRendererElsewhere) },
  },
  {
    files: ['electron/preload.ts'],
    rules: { 'no-restricted-imports': restrict(ipcMainElsewhere) },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrictWithNode(noElectronModule),
    },
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests exercise the net core's parts one by one, so they may import them directly.
      'import-x/no-restricted-paths': 'off',
      'no-restricted-imports': restrict(ipcMainElsewhere, ipcRendererElsewhere),
    },
  },
  prettier,
);
