/**
 * How a payer's amount of a project is cut into tranches (ADR 0028), in integer fen:
 *
 * - first = floor(A × firstTranchePercent / 100), approved at activation;
 * - final = floor(A × finalTranchePercent / 100), approved after acceptance;
 * - the middle M = A − first − final is shared over the milestones in proportion to their
 *   share_percent, each share rounded down, the remainder on the LAST milestone (the one that
 *   completes the work), so the tranches add up to A exactly and none is negative.
 *
 * Tranches of 0 fen are left out (a tranche always moves money); sequences number what is left
 * from 1, in the order first, milestones by position, final.
 */
export interface MilestoneShare {
  id: string;
  position: number;
  sharePercent: number;
}

export interface PlannedTranche {
  kind: 'first' | 'milestone' | 'final';
  milestoneId: string | null;
  milestonePosition: number | null;
  sequence: number;
  amountFen: number;
}

export interface TranchePercents {
  firstTranchePercent: number;
  finalTranchePercent: number;
}

/** `total` in proportion to `weights` (positive integers), floors, the remainder on the last. */
export function splitRemainderLast(total: number, weights: number[]): number[] {
  if (!weights.length) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Number((BigInt(total) * BigInt(w)) / BigInt(sum)));
  parts[parts.length - 1] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}

function percentOf(amountFen: number, percent: number): number {
  return Number((BigInt(amountFen) * BigInt(percent)) / 100n);
}

export function planTranches(
  amountFen: number,
  percents: TranchePercents,
  milestones: MilestoneShare[],
): PlannedTranche[] {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new Error(`Bad amount ${amountFen}`);
  const { firstTranchePercent: firstPct, finalTranchePercent: finalPct } = percents;
  if (firstPct < 0 || finalPct < 0 || firstPct + finalPct > 100) {
    throw new Error(`Bad tranche percents ${firstPct} + ${finalPct}`);
  }
  const ordered = [...milestones].sort((a, b) => a.position - b.position);
  let first = percentOf(amountFen, firstPct);
  let final = percentOf(amountFen, finalPct);
  let middle = amountFen - first - final;
  if (!ordered.length) {
    // No milestone to carry the middle: it goes with the final tranche (or the first when no final).
    if (finalPct > 0 || firstPct === 0) final += middle;
    else first += middle;
    middle = 0;
  }
  const shares = splitRemainderLast(
    middle,
    ordered.map((m) => m.sharePercent),
  );
  const drafts: Array<Omit<PlannedTranche, 'sequence'>> = [
    { kind: 'first', milestoneId: null, milestonePosition: null, amountFen: first },
    ...ordered.map((m, i) => ({
      kind: 'milestone' as const,
      milestoneId: m.id,
      milestonePosition: m.position,
      amountFen: shares[i],
    })),
    { kind: 'final', milestoneId: null, milestonePosition: null, amountFen: final },
  ];
  return drafts.filter((d) => d.amountFen > 0).map((d, i) => ({ ...d, sequence: i + 1 }));
}
