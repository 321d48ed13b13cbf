import { CHALLENGE_STATUSES } from '../../call/challenges/challenge-status';
import type { ChallengeStatus } from '../../call/challenges/challenge-status';
import type { AmountsDto, StatsOverviewDto, TermAmountsDto } from './dto/stats.dto';
import { average, APPLICATION_BUCKETS, fenFromSum, rate } from './stats-rules';

/** The scope of an answer: the query's filters. */
export interface StatsScope {
  programId?: string;
  year?: number;
}

/** A row of the groups: one grouping (`set`), its key, count and sums (numeric as text). */
export interface GroupRow {
  set: 'all' | 'category' | 'industry_chain' | 'region' | 'status';
  key: string | null;
  n: number;
  total_fen: string | null;
  fiscal_fen: string | null;
  cofunding_fen: string | null;
}

export interface ApplicationCountsRow {
  lists: number;
  bids: string;
  /** Challenges per bucket, in APPLICATION_BUCKETS order. */
  buckets: number[];
}

export interface TermRow {
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
}

/** What an answer is made of, whether queried live or derived from a snapshot (ADR 0054). */
export interface OverviewParts {
  groups: GroupRow[];
  applications: ApplicationCountsRow;
  acceptances: { passed: number; failed: number };
  categories: TermRow[];
  chains: TermRow[];
}

/** The answer of `GET /stats/overview` from its parts: one function for the live and the served path. */
export function assembleOverview(
  scope: StatsScope,
  generatedAt: Date,
  parts: OverviewParts,
): StatsOverviewDto {
  const { groups, applications, acceptances } = parts;
  const of = (set: GroupRow['set']) => groups.filter((g) => g.set === set);
  const byStatus = of('status')
    .map((g) => ({ status: g.key as ChallengeStatus, ...amounts(g) }))
    .sort((a, b) => CHALLENGE_STATUSES.indexOf(a.status) - CHALLENGE_STATUSES.indexOf(b.status));
  const count = (status: ChallengeStatus) => byStatus.find((s) => s.status === status)?.count ?? 0;
  const awarded = count('awarded');
  const unsuccessful = count('unsuccessful');
  const totalApplications = fenFromSum(applications.bids);
  const all = of('all')[0];

  return {
    programId: scope.programId ?? null,
    year: scope.year ?? null,
    generatedAt: generatedAt.toISOString(),
    lists: all ? amounts(all) : { count: 0, totalFen: 0, fiscalFen: 0, cofundingFen: 0 },
    byCategory: withTerms(of('category'), parts.categories),
    byIndustryChain: withTerms(of('industry_chain'), parts.chains),
    byRegion: of('region')
      .map((g) => ({ regionCode: g.key as string, ...amounts(g) }))
      .sort((a, b) => a.regionCode.localeCompare(b.regionCode)),
    byStatus,
    bids: {
      lists: applications.lists,
      bids: totalApplications,
      averagePerList: average(totalApplications, applications.lists),
      distribution: APPLICATION_BUCKETS.map((b, i) => ({ ...b, lists: applications.buckets[i] })),
    },
    awardRate: {
      awarded,
      unsuccessful,
      decided: awarded + unsuccessful,
      rate: rate(awarded, awarded + unsuccessful),
    },
    acceptancePassRate: {
      passed: acceptances.passed,
      failed: acceptances.failed,
      decided: acceptances.passed + acceptances.failed,
      rate: rate(acceptances.passed, acceptances.passed + acceptances.failed),
    },
  };
}

function amounts(g: GroupRow): AmountsDto {
  return {
    count: g.n,
    totalFen: fenFromSum(g.total_fen),
    fiscalFen: fenFromSum(g.fiscal_fen),
    cofundingFen: fenFromSum(g.cofunding_fen),
  };
}

/** Groups named from the taxonomy and in its display order (unknown codes last, by code). */
function withTerms(groups: GroupRow[], terms: TermRow[]): TermAmountsDto[] {
  const byCode = new Map(terms.map((t) => [t.code, t]));
  const order = (code: string) => byCode.get(code)?.sort_order ?? Number.MAX_SAFE_INTEGER;
  return groups
    .map((g) => {
      const code = g.key as string;
      const term = byCode.get(code);
      return { code, nameZh: term?.name_zh ?? code, nameEn: term?.name_en ?? code, ...amounts(g) };
    })
    .sort((a, b) => order(a.code) - order(b.code) || a.code.localeCompare(b.code));
}
