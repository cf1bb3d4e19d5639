// The bench's --compare: pure functions over two lists of figures (no measuring here).
import { describe, expect, it } from 'vitest';
import { compareFigures, comparisonTable } from './compare';
import type { Figure } from './stats';

const fig = (figure: string, factor: number, value = factor): Figure => ({
  section: 'latency',
  figure,
  unit: 'ms',
  value,
  baseline: 'raw',
  baselineValue: 1,
  factor,
});

describe('bench --compare', () => {
  it('matches figures by section and name and compares their ratios to the baseline', () => {
    const rows = compareFigures(
      [fig('rtt p50', 4), fig('rtt p99', 10), fig('gone', 2)],
      [fig('rtt p50', 2), fig('rtt p99', 12), fig('new', 3)],
    );
    expect(rows.map((r) => [r.figure, r.change])).toEqual([
      ['rtt p50', 0.5],
      ['rtt p99', 1.2],
      ['new', undefined],
      ['gone', undefined],
    ]);
    const text = comparisonTable(rows);
    expect(text).toMatch(/rtt p50 .*\| better +\|/);
    expect(text).toMatch(/rtt p99 .*\| worse +\|/);
    expect(text).toMatch(/new .*\| new +\|/);
    expect(text).toMatch(/gone .*\| not measured now \|/);
  });
});
