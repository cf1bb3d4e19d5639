/**
 * `npm run bench -- --compare FILE`: each figure of this run next to the same figure in an earlier
 * results file (test/bench/results/*.json), so a change that makes something slower shows at once.
 * Figures are matched by section and name; the ratio compares the "x" (times worse than the
 * baseline measured in the same run), which moves less with the machine's load than raw values.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { round, table, type Figure } from './stats';

const figureSchema = z.object({
  section: z.string(),
  figure: z.string(),
  unit: z.string(),
  value: z.number(),
  baseline: z.string(),
  baselineValue: z.number(),
  factor: z.number(),
  note: z.string().optional(),
});
const resultsSchema = z.object({ started: z.string().optional(), figures: z.array(figureSchema) });

export interface Comparison {
  readonly section: string;
  readonly figure: string;
  readonly before?: Figure;
  readonly now?: Figure;
  /** now.factor / before.factor: above 1 is worse than before (both "times worse than raw"). */
  readonly change?: number;
}

export function readResults(path: string): { started?: string; figures: Figure[] } {
  const parsed = resultsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return {
    ...(parsed.started === undefined ? {} : { started: parsed.started }),
    figures: parsed.figures.map(({ note, ...f }) => (note === undefined ? f : { ...f, note })),
  };
}

export function compareFigures(before: readonly Figure[], now: readonly Figure[]): Comparison[] {
  const key = (f: Figure): string => `${f.section}\u0000${f.figure}`;
  const earlier = new Map(before.map((f) => [key(f), f]));
  const out: Comparison[] = now.map((f) => {
    const old = earlier.get(key(f));
    earlier.delete(key(f));
    if (old === undefined) return { section: f.section, figure: f.figure, now: f };
    const change = old.factor > 0 ? f.factor / old.factor : undefined;
    return {
      section: f.section,
      figure: f.figure,
      before: old,
      now: f,
      ...(change === undefined ? {} : { change }),
    };
  });
  for (const old of earlier.values())
    out.push({ section: old.section, figure: old.figure, before: old });
  return out;
}

/** The comparison as a table; changes beyond ±10 % are marked worse or better. */
export function comparisonTable(rows: readonly Comparison[]): string {
  const cell = (f: Figure | undefined): string =>
    f === undefined ? '—' : `${f.value} ${f.unit} (x${f.factor})`;
  const verdict = (change: number | undefined): string => {
    if (change === undefined) return '';
    if (change > 1.1) return 'worse';
    if (change < 1 / 1.1) return 'better';
    return 'same';
  };
  return table(
    ['section', 'figure', 'before', 'now', 'x now / x before', ''],
    rows.map((r) => [
      r.section,
      r.figure,
      cell(r.before),
      cell(r.now),
      r.change === undefined ? '' : String(round(r.change)),
      r.now === undefined ? 'not measured now' : r.before === undefined ? 'new' : verdict(r.change),
    ]),
  );
}
