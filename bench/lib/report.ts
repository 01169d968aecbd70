/**
 * What a run prints: per section, a table of measurements (p50/p95 and the ratio to that section's
 * baseline); at the end, one summary row per DESIGN.md §6 figure with its target and PASS/MISS.
 */
import { fmt, type Summary } from './stats.js';
import { formatTable } from './table.js';

export type Verdict = 'PASS' | 'MISS' | 'n/a';

/** One DESIGN.md §6 figure as the summary shows it. */
export interface Figure {
  readonly id: string;
  readonly what: string;
  readonly measured: string;
  readonly baseline: string;
  /** The compared quantity (a ratio, or an absolute value with its unit). */
  readonly ratio: string;
  readonly target: string;
  readonly verdict: Verdict;
  /** The numbers behind the texts, for results.json; without them they are read from the texts. */
  readonly numbers?: FigureNumbers;
}

/** A figure's numbers: the measured value in its unit, the same run's baseline in that unit, and the compared quantity. */
export interface FigureNumbers {
  readonly value: number;
  readonly unit: string;
  readonly baseline: number | null;
  readonly ratio: number | null;
}

/** One figure as bench/results.json holds it. */
export interface FigureResult {
  readonly id: string;
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly baseline: number | null;
  readonly ratio: number | null;
  readonly target: string;
  readonly verdict: Verdict;
}

/** The first number in a text as the figures write them (`p50 1,234 ms`, `AMA 380 req/s`, `2.5×`), with the word after it. */
function numberIn(text: string): { value: number; unit: string } | null {
  // Not the digits of a word such as `p50` or `10k`.
  const match = /(?<![\w.])(-?\d[\d,]*(?:\.\d+)?)(?!\w)\s*([^\s\d]\S*)?/u.exec(text);
  if (match === null) return null;
  const value = Number((match[1] ?? '').replaceAll(',', ''));
  return Number.isFinite(value) ? { value, unit: match[2] ?? '' } : null;
}

/** A figure as results.json holds it: its own numbers, else the numbers its texts show. */
export function figureResult(f: Figure): FigureResult {
  const common = { id: f.id, name: f.what, target: f.target, verdict: f.verdict };
  if (f.numbers !== undefined) return { ...common, ...f.numbers };
  const measured = numberIn(f.measured);
  return {
    ...common,
    value: measured?.value ?? null,
    unit: measured?.unit ?? '',
    baseline: numberIn(f.baseline)?.value ?? null,
    ratio: numberIn(f.ratio)?.value ?? null,
  };
}

/** A bound on a figure: `≤ limit` or `≥ limit`. */
export interface Bound {
  readonly op: '<=' | '>=';
  readonly limit: number;
  readonly unit?: string;
}

export const atMost = (limit: number, unit = '×'): Bound => ({ op: '<=', limit, unit });
export const atLeast = (limit: number, unit = '×'): Bound => ({ op: '>=', limit, unit });

/** PASS when `value` keeps within `bound`; n/a when it was not measured. */
export function verdictOf(value: number, bound: Bound): Verdict {
  if (!Number.isFinite(value)) return 'n/a';
  return (bound.op === '<=' ? value <= bound.limit : value >= bound.limit) ? 'PASS' : 'MISS';
}

export const boundText = (bound: Bound): string => `${bound.op === '<=' ? '≤' : '≥'} ${bound.limit}${bound.unit === '×' ? '×' : ` ${bound.unit ?? ''}`}`.trimEnd();

/** A measured series as a row of a section's table. */
export function seriesRow(label: string, s: Summary, baseline?: Summary): string[] {
  return [label, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.min), baseline === undefined ? '' : `${fmt(s.p50 / baseline.p50)}×`];
}

export const SERIES_HEADER = ['measurement', 'n', 'p50 ms', 'p95 ms', 'min ms', 'p50 / baseline'];

/** Collects sections and figures and prints them as they come, then the summary. */
export interface Report {
  section(title: string, rows: readonly (readonly string[])[], notes?: readonly string[]): void;
  figure(figure: Figure): void;
  note(text: string): void;
  summary(): string;
  /** Every figure for bench/results.json, in the summary's order. */
  results(): FigureResult[];
  readonly figures: readonly Figure[];
}

export function createReport(write: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Report {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const order = (id: string): number => Number.parseInt(id, 10) || 0;
  const sorted = (): Figure[] => [...figures].sort((a, b) => order(a.id) - order(b.id) || a.id.localeCompare(b.id));
  return {
    figures,
    section(title, rows, sectionNotes = []) {
      write(`\n## ${title}\n${formatTable(rows)}${sectionNotes.map((n) => `\n  ${n}`).join('')}`);
    },
    figure(figure) {
      figures.push(figure);
    },
    note(text) {
      notes.push(text);
      write(`  note: ${text}`);
    },
    results: () => sorted().map(figureResult),
    summary() {
      const header = ['#', 'figure (DESIGN.md §6)', 'measured', 'baseline (same run)', 'ratio / value', 'target', 'verdict'];
      const rows = sorted().map((f) => [f.id, f.what, f.measured, f.baseline, f.ratio, f.target, f.verdict]);
      const counts = ['PASS', 'MISS', 'n/a'].map((v) => `${figures.filter((f) => f.verdict === v).length} ${v}`).join(', ');
      return `${formatTable([header, ...rows])}\n${counts}${notes.length > 0 ? `\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : ''}`;
    },
  };
}
