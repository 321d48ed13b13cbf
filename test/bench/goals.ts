import { loadavg } from 'node:os';

/**
 * The goals of `npm run bench` (issue 17), one row each: what we measured, the baseline measured in
 * the same run, their ratio and the target. A missed goal is printed, never a failed exit: the
 * bench exits non-zero only on a broken run (a wrong answer, a lost row), never on a slow machine.
 */
export interface GoalRow {
  /** What is measured, e.g. `GET /challenges list and search`. */
  goal: string;
  /** Ours, with its unit, e.g. `4,812 req/s`. */
  ours: string;
  /** The baseline of the same run, with its unit, e.g. `5,120 req/s raw Fastify + pg`. */
  baseline: string;
  /** ours / baseline in the goal's sense (higher is better), or null where the goal is absolute. */
  ratio: number | null;
  /** The target, e.g. `≥ 0.9`, `≤ 20 ms`, `≤ 200 MB`. */
  target: string;
  met: boolean;
  /** What else a reader needs: p99, CPU per request, the plan. */
  note?: string;
}

const rows: GoalRow[] = [];

export function recordGoal(row: GoalRow): void {
  rows.push(row);
  console.log(
    `goal: ${row.goal}: ours ${row.ours}, baseline ${row.baseline}` +
      `${row.ratio === null ? '' : `, ratio ${row.ratio.toFixed(2)}`} (target ${row.target}) ` +
      `${row.met ? 'met' : 'NOT MET'}${row.note ? `; ${row.note}` : ''}`,
  );
}

/** The machine's load averages (1, 5, 15 minutes) and cores, printed beside every table. */
export function loadAverage(): string {
  return `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')}`;
}

/** The goals table, at the end of the run. */
export function printGoals(): void {
  console.log(`\n## Goals of issue 17 (${loadAverage()})`);
  console.table(
    rows.map((r) => ({
      goal: r.goal,
      ours: r.ours,
      baseline: r.baseline,
      ratio: r.ratio === null ? '—' : r.ratio.toFixed(2),
      target: r.target,
      met: r.met ? 'yes' : 'NO',
      note: r.note ?? '',
    })),
  );
}

/**
 * `npm run bench -- --only=http,deadlines` runs only the named parts (each part's name is in
 * run.ts); without --only every part runs.
 */
export function selected(part: string): boolean {
  const only = process.argv.find((a) => a.startsWith('--only='));
  if (!only) return true;
  return only
    .slice('--only='.length)
    .split(',')
    .map((s) => s.trim())
    .includes(part);
}
