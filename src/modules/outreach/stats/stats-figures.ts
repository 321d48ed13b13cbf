import { APPLICATION_BUCKETS } from './stats-rules';
import type { GroupRow, OverviewParts, StatsScope, TermRow } from './stats-overview';

/**
 * The stored figures of `GET /stats/overview` (ADR 0054): the aggregates of the published
 * challenges per program, as of one instant, from which the answer of every filter is derived
 * (a filter is a set of programs: one, those of a year, or all). Sums are numeric text, as
 * PostgreSQL gives them, and are added here without rounding (BigInt).
 */
export interface StatsFigures {
  /** Every program, [id, year]: the year filter's programs and the known ids. */
  programs: Array<[string, number]>;
  /** Per program: count and sums over all its challenges and per category, chain, region and status (by the clock). */
  groups: Array<{
    p: string;
    /** The grouping: all, category, industry_chain, region or status. */
    dim: GroupRow['set'];
    key: string | null;
    n: number;
    t: string;
    f: string;
    c: string;
  }>;
  /** Per program: `n` challenges whose application window has closed had `k` applications. */
  applications: Array<{ p: string; k: number; n: number }>;
  /** Per program: final acceptance decisions. */
  acceptances: Array<{ p: string; passed: number; failed: number }>;
  categories: TermRow[];
  chains: TermRow[];
}

/** One stored snapshot: its version (a counter, as text), when it was computed, its figures. */
export interface StatsSnapshot {
  version: string;
  computedAt: Date;
  figures: StatsFigures;
}

/** The programs a scope covers, or null for all of them. */
export function programsOf(figures: StatsFigures, scope: StatsScope): Set<string> | null {
  if (scope.programId === undefined && scope.year === undefined) return null;
  const ids = figures.programs
    .filter(([, year]) => scope.year === undefined || year === scope.year)
    .map(([id]) => id)
    .filter((id) => scope.programId === undefined || id === scope.programId);
  return new Set(ids);
}

/** Whether the snapshot knows the program (else it was created after the snapshot, or does not exist). */
export function knowsProgram(figures: StatsFigures, programId: string): boolean {
  return figures.programs.some(([id]) => id === programId);
}

/** The parts of the answer for a set of programs (null: all), exactly as the live queries give them. */
export function partsOf(figures: StatsFigures, programs: Set<string> | null): OverviewParts {
  const inScope = (p: string) => programs === null || programs.has(p);

  const groups = new Map<string, { row: GroupRow; t: bigint; f: bigint; c: bigint }>();
  for (const g of figures.groups) {
    if (!inScope(g.p)) continue;
    const id = `${g.dim}\u0000${g.key ?? ''}`;
    let sum = groups.get(id);
    if (!sum) {
      sum = {
        row: { set: g.dim, key: g.key, n: 0, total_fen: null, fiscal_fen: null, cofunding_fen: null },
        t: 0n,
        f: 0n,
        c: 0n,
      };
      groups.set(id, sum);
    }
    sum.row.n += g.n;
    sum.t += BigInt(g.t);
    sum.f += BigInt(g.f);
    sum.c += BigInt(g.c);
  }
  const rows: GroupRow[] = [...groups.values()].map(({ row, t, f, c }) => ({
    ...row,
    total_fen: t.toString(),
    fiscal_fen: f.toString(),
    cofunding_fen: c.toString(),
  }));
  // The live GROUPING SETS answer always has the `()` row, with null sums when nothing is in scope.
  if (!rows.some((r) => r.set === 'all')) {
    rows.push({ set: 'all', key: null, n: 0, total_fen: null, fiscal_fen: null, cofunding_fen: null });
  }

  const buckets = APPLICATION_BUCKETS.map(() => 0);
  let lists = 0;
  let bids = 0n;
  for (const a of figures.applications) {
    if (!inScope(a.p)) continue;
    lists += a.n;
    bids += BigInt(a.k) * BigInt(a.n);
    const bucket = APPLICATION_BUCKETS.findIndex((b) => a.k >= b.min && (b.max === null || a.k <= b.max));
    buckets[bucket] += a.n;
  }

  const acceptances = { passed: 0, failed: 0 };
  for (const a of figures.acceptances) {
    if (!inScope(a.p)) continue;
    acceptances.passed += a.passed;
    acceptances.failed += a.failed;
  }

  return {
    groups: rows,
    applications: { lists, bids: bids.toString(), buckets },
    acceptances,
    categories: figures.categories,
    chains: figures.chains,
  };
}
