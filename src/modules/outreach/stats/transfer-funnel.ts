/**
 * The transfer funnel (TRANSFER.md "Open data and statistics", ADR 0062): the steps of the chain
 * rooted at the needs filed in a period, in order, each object counted once.
 */
export const FUNNEL_STEPS = ['filed', 'refined', 'listed', 'projects', 'results', 'contracts'] as const;
export type FunnelStepName = (typeof FUNNEL_STEPS)[number];

export interface FunnelStep {
  step: FunnelStepName;
  count: number;
  /** Days from the predecessor event, rounded to 0.01; null without a measured duration (and for `filed`). */
  medianDaysFromPrevious: number | null;
  meanDaysFromPrevious: number | null;
}

/** One aggregate of the funnel query: a step within a grouping (everything, a chain or a region). */
export interface FunnelRow {
  step: FunnelStepName;
  /** 'all', 'chain' or 'region': which grouping set the row belongs to. */
  grouping: 'all' | 'chain' | 'region';
  /** The chain or region code; null for the grouping 'all'. */
  key: string | null;
  count: number;
  median: number | null;
  mean: number | null;
}

export interface Funnel {
  steps: FunnelStep[];
  byChain: Array<{ industryChainCode: string; steps: FunnelStep[] }>;
  byRegion: Array<{ regionCode: string; steps: FunnelStep[] }>;
}

/** Days rounded to 0.01 (null stays null; pg returns numerics as text or number). */
export function roundDays(value: number | string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : null;
}

/** The six steps in order from the rows of one group; a step without a row counts 0. */
export function stepsOf(rows: readonly FunnelRow[]): FunnelStep[] {
  return FUNNEL_STEPS.map((step) => {
    const row = rows.find((r) => r.step === step);
    return {
      step,
      count: row?.count ?? 0,
      medianDaysFromPrevious: step === 'filed' ? null : roundDays(row?.median ?? null),
      meanDaysFromPrevious: step === 'filed' ? null : roundDays(row?.mean ?? null),
    };
  });
}

/** The whole funnel and its per-chain and per-region funnels (ordered by code) from the grouped rows. */
export function assembleFunnel(rows: readonly FunnelRow[]): Funnel {
  const groups = (grouping: 'chain' | 'region') => {
    const keys = [...new Set(rows.filter((r) => r.grouping === grouping).map((r) => r.key as string))].sort();
    return keys.map((key) => ({
      key,
      steps: stepsOf(rows.filter((r) => r.grouping === grouping && r.key === key)),
    }));
  };
  return {
    steps: stepsOf(rows.filter((r) => r.grouping === 'all')),
    byChain: groups('chain').map(({ key, steps }) => ({ industryChainCode: key, steps })),
    byRegion: groups('region').map(({ key, steps }) => ({ regionCode: key, steps })),
  };
}
