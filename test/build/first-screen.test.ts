/**
 * The renderer's first screen (the entry, the boot chunk and what they import statically) has no
 * zod in it: the schemas and zod load with the views that validate input (settings, first run,
 * add contact). docs/BENCHMARKS.md, "Fifth pass on issue 18: 5,000 contacts", second round.
 * The entry starts the first screen's calls without waiting for the boot chunk ("Eighth pass on
 * issue 18: 5,000 contacts"). Built as `npm run build` builds the renderer (vite.config.ts), in
 * memory.
 */
import path from 'node:path';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ZOD = `${path.sep}node_modules${path.sep}zod${path.sep}`;
/** The shared modules that build zod schemas when they are evaluated. */
const SCHEMA_MODULES = [
  'shared/protocol/fields.ts',
  'shared/protocol/packets.ts',
  'shared/protocol/groups.ts',
  'shared/protocol/codec.ts',
  'shared/ipc/schemas.ts',
].map((file) => path.join(ROOT, file));

let chunks: Rolldown.OutputChunk[];

beforeAll(async () => {
  const result = await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { write: false },
  });
  const outputs = Array.isArray(result) ? result : [result];
  chunks = outputs.flatMap((o) =>
    'output' in o ? o.output.filter((c): c is Rolldown.OutputChunk => c.type === 'chunk') : [],
  );
}, 60_000);

/** The entry chunk and every chunk it or the boot chunk imports statically. */
function firstScreen(): Rolldown.OutputChunk[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const boot = chunks.find((c) => c.moduleIds.includes(path.join(ROOT, 'renderer/src/boot.tsx')));
  const entry = chunks.find((c) => c.isEntry);
  const found = new Map<string, Rolldown.OutputChunk>();
  const visit = (chunk: Rolldown.OutputChunk | undefined) => {
    if (chunk === undefined || found.has(chunk.fileName)) return;
    found.set(chunk.fileName, chunk);
    for (const next of chunk.imports) visit(byName.get(next));
  };
  expect(boot).toBeDefined();
  expect(entry).toBeDefined();
  visit(entry);
  visit(boot);
  return [...found.values()];
}

describe("the renderer's first screen", () => {
  it('has no zod and no module that builds schemas', () => {
    const modules = firstScreen().flatMap((c) => c.moduleIds);
    expect(modules).toContain(path.join(ROOT, 'renderer/src/components/ContactList.tsx'));
    expect(modules.filter((id) => id.includes(ZOD))).toEqual([]);
    expect(modules.filter((id) => SCHEMA_MODULES.includes(id))).toEqual([]);
  });

  it('leaves zod to a chunk loaded on first use', () => {
    const first = new Set(firstScreen().map((c) => c.fileName));
    const withZod = chunks.filter((c) => c.moduleIds.some((id) => id.includes(ZOD)));
    expect(withZod.length).toBeGreaterThan(0);
    for (const chunk of withZod) expect(first.has(chunk.fileName), chunk.fileName).toBe(false);
  });

  it('starts its calls without waiting for the boot chunk', () => {
    // The entry imports only small chunks statically; boot.js (React, i18n, the store) comes
    // through its import(). A module the entry shares with the first screen once pulled boot.js
    // into the entry's static imports: the calls then left after all of it had loaded and run.
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const entry = chunks.find((c) => c.isEntry);
    const boot = chunks.find((c) => c.moduleIds.includes(path.join(ROOT, 'renderer/src/boot.tsx')));
    expect(entry?.moduleIds).toContain(path.join(ROOT, 'renderer/src/store/early-calls.ts'));
    const before = new Set<string>();
    const visit = (file: string) => {
      if (before.has(file)) return;
      before.add(file);
      for (const next of byName.get(file)?.imports ?? []) visit(next);
    };
    for (const file of entry?.imports ?? []) visit(file);
    expect(before.has(boot?.fileName ?? '')).toBe(false);
    expect(entry?.dynamicImports).toContain(boot?.fileName);
    const bytes = [...before].reduce((sum, file) => sum + (byName.get(file)?.code.length ?? 0), 0);
    expect(bytes).toBeLessThan(10_000);
  });
});
