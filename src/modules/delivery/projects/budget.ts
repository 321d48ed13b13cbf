/**
 * How a challenge's money is shared among the projects of its award (ADR 0027), in integer fen:
 *
 * - fiscal (财政): each line gets what its application requested when the requests fit in the challenge's fiscal
 *   amount; otherwise the challenge's fiscal amount is shared in proportion to the requests;
 * - issuer (发榜方配套): the challenge's co-funding is shared in proportion to the lines' fiscal amounts
 *   (equally when those are all zero).
 *
 * Shares are rounded down and the remainder of a split goes to the first line (the best ranked),
 * so the parts add up to the whole exactly and never exceed it.
 */
export interface LineBudget {
  fiscalFen: number;
  issuerFen: number;
}

export function allocateBudget(
  listFiscalFen: number,
  listCofundingFen: number,
  requestedFiscalFen: number[],
): LineBudget[] {
  if (!requestedFiscalFen.length) return [];
  const requested = requestedFiscalFen.reduce((a, b) => a + b, 0);
  const fiscal =
    requested <= listFiscalFen ? [...requestedFiscalFen] : split(listFiscalFen, requestedFiscalFen);
  const issuer = split(listCofundingFen, fiscal.some((f) => f > 0) ? fiscal : fiscal.map(() => 1));
  return fiscal.map((fiscalFen, i) => ({ fiscalFen, issuerFen: issuer[i] }));
}

/** `total` in proportion to `weights` (not all zero), floors, the remainder on the first. */
export function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Number((BigInt(total) * BigInt(w)) / BigInt(sum)));
  parts[0] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}
