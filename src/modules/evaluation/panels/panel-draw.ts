import { createHmac } from 'node:crypto';

/**
 * The panel draw (DOMAIN.md "Expert review", docs/adr/0024) as a pure, replayable function: the
 * candidates (already without conflicts) are put in the order of HMAC-SHA256(seed, expertId), hex,
 * ascending (expert id breaks the impossible tie); members are the first `minEnterprise` enterprise
 * experts in that order, then the first others in that order until the panel is full; reserves are
 * the next ones in that order. The seed is 32 random bytes recorded with the panel and in the
 * audit event, so anyone with the candidate list can replay the draw.
 *
 * With the program's `drawFitWeighting` (ADR 0060) the order is a weighted random order
 * (Efraimidis–Spirakis): u = the first 52 bits of the same HMAC as a fraction in (0, 1), key =
 * −ln(u) / fit, ascending; an expert twice as fit is about twice as likely to come first, and the
 * seed, the candidates and their fits (recorded with the draw) replay it exactly.
 */

/** The rule as the audit events state it, next to the seed and the candidates. */
export const DRAW_RULE =
  'HMAC-SHA256(seed, expertId) ascending; enterprise minimum first, then fill; then reserves';

/** The rule when the draw is weighted by fit. */
export const WEIGHTED_DRAW_RULE =
  'u = HMAC-SHA256(seed, expertId)[first 52 bits] as (n + 1) / (2^52 + 1); key = -ln(u) / fit ascending; ' +
  'enterprise minimum first, then fill; then reserves';

export interface DrawCandidate {
  expertId: string;
  enterprise: boolean;
  /** The fit to the list (> 0); read only by a weighted draw. */
  fit?: number;
}

export interface DrawRequest {
  panelSize: number;
  minEnterprise: number;
  reserves: number;
}

export interface DrawShortage {
  /** Experts missing for the panel and its reserves. */
  missingExperts: number;
  /** Enterprise experts missing for the panel's minimum share. */
  missingEnterpriseExperts: number;
  candidates: number;
  enterpriseCandidates: number;
}

export type DrawOutcome =
  { ok: true; members: string[]; reserves: string[]; order: string[] } | ({ ok: false } & DrawShortage);

/** The draw key of an expert: HMAC-SHA256 keyed by the seed (hex) over the expert id, hex. */
export function drawKey(seedHex: string, expertId: string): string {
  return createHmac('sha256', Buffer.from(seedHex, 'hex')).update(expertId).digest('hex');
}

/** The weighted key of a candidate: −ln(u) / fit with u in (0, 1) from its HMAC (smaller first). */
export function weightedDrawKey(seedHex: string, expertId: string, fit: number): number {
  const n = parseInt(drawKey(seedHex, expertId).slice(0, 13), 16);
  return -Math.log((n + 1) / (2 ** 52 + 1)) / fit;
}

/** The candidates in weighted draw order for this seed (ties, never seen, by expert id). */
export function weightedDrawOrder<T extends { expertId: string; fit?: number }>(
  seedHex: string,
  candidates: readonly T[],
): T[] {
  const keyed = candidates.map((c) => ({ c, key: weightedDrawKey(seedHex, c.expertId, c.fit ?? 1) }));
  keyed.sort((a, b) => a.key - b.key || (a.c.expertId < b.c.expertId ? -1 : 1));
  return keyed.map((k) => k.c);
}

/** The candidates in draw order for this seed. */
export function drawOrder<T extends { expertId: string }>(seedHex: string, candidates: readonly T[]): T[] {
  const keyed = candidates.map((c) => ({ c, key: drawKey(seedHex, c.expertId) }));
  keyed.sort((a, b) =>
    a.key < b.key
      ? -1
      : a.key > b.key
        ? 1
        : a.c.expertId < b.c.expertId
          ? -1
          : a.c.expertId > b.c.expertId
            ? 1
            : 0,
  );
  return keyed.map((k) => k.c);
}

/**
 * Members (in draw order) and reserves (in draw order), or the shortage: the panel and all its
 * reserves must be filled and the panel must hold at least `minEnterprise` enterprise experts.
 */
export function drawPanel(
  seedHex: string,
  candidates: readonly DrawCandidate[],
  request: DrawRequest,
  weighted = false,
): DrawOutcome {
  const ordered = weighted ? weightedDrawOrder(seedHex, candidates) : drawOrder(seedHex, candidates);
  const enterpriseCandidates = ordered.filter((c) => c.enterprise).length;
  const missingExperts = Math.max(0, request.panelSize + request.reserves - ordered.length);
  const missingEnterpriseExperts = Math.max(0, request.minEnterprise - enterpriseCandidates);
  if (missingExperts > 0 || missingEnterpriseExperts > 0) {
    return {
      ok: false,
      missingExperts,
      missingEnterpriseExperts,
      candidates: ordered.length,
      enterpriseCandidates,
    };
  }
  const chosen = new Set(
    ordered
      .filter((c) => c.enterprise)
      .slice(0, request.minEnterprise)
      .map((c) => c.expertId),
  );
  for (const c of ordered) {
    if (chosen.size >= request.panelSize) break;
    chosen.add(c.expertId);
  }
  const members = ordered.filter((c) => chosen.has(c.expertId)).map((c) => c.expertId);
  const reserves = ordered
    .filter((c) => !chosen.has(c.expertId))
    .slice(0, request.reserves)
    .map((c) => c.expertId);
  return { ok: true, members, reserves, order: ordered.map((c) => c.expertId) };
}
