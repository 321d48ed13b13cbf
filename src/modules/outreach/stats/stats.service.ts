import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { CHALLENGE_STATUSES } from '../../call/challenges/challenge-status';
import type { ChallengeStatus } from '../../call/challenges/challenge-status';
import { AmountsDto, StatsOverviewDto, StatsQueryDto, TermAmountsDto } from './dto/stats.dto';
import { average, APPLICATION_BUCKETS, fenFromSum, rate } from './stats-rules';
import { GroupRow, StatsRepository, TermRow } from './stats.repository';

/** How long one computed answer is reused per filter (the Cache-Control max-age of the endpoint). */
export const STATS_TTL_MS = 60_000;
/** Filters are bounded (existing programs × years 2000–2100); this bounds the memory anyway. */
const MAX_CACHED = 500;

/**
 * Public statistics (DOMAIN.md "Audit and open data", ADR 0032): live aggregates of one snapshot,
 * computed at most once per filter and STATS_TTL_MS (by the injected clock) in this process, and
 * once for concurrent requests of the same filter, so that an anonymous caller cannot turn the
 * 50–200 ms aggregate of a national volume into load on the database.
 */
@Injectable()
export class StatsService {
  private readonly cache = new Map<string, { at: number; answer: Promise<StatsOverviewDto> }>();

  constructor(
    private readonly stats: StatsRepository,
    private readonly clock: Clock,
  ) {}

  overview(query: StatsQueryDto): Promise<StatsOverviewDto> {
    const key = `${query.programId ?? ''}|${query.year ?? ''}`;
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && now >= hit.at && now - hit.at < STATS_TTL_MS) return hit.answer;
    const answer = this.compute(query);
    this.cache.delete(key);
    this.cache.set(key, { at: now, answer });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    // Errors (an unknown program, a database failure) are not kept.
    answer.catch(() => {
      if (this.cache.get(key)?.answer === answer) this.cache.delete(key);
    });
    return answer;
  }

  private async compute(query: StatsQueryDto): Promise<StatsOverviewDto> {
    const now = this.clock.now();
    const scope = { programId: query.programId, year: query.year };
    return this.stats.snapshot(async (em) => {
      if (scope.programId !== undefined && !(await this.stats.programExists(em, scope.programId))) {
        throw DomainError.notFound('Program');
      }
      const groups = await this.stats.groups(em, scope, now);
      const applications = await this.stats.applicationCounts(em, scope, now);
      const acceptances = await this.stats.acceptances(em, scope);
      const categories = await this.stats.terms(em, 'categories');
      const chains = await this.stats.terms(em, 'industry_chains');

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
        generatedAt: now.toISOString(),
        lists: all ? amounts(all) : { count: 0, totalFen: 0, fiscalFen: 0, cofundingFen: 0 },
        byCategory: withTerms(of('category'), categories),
        byIndustryChain: withTerms(of('industry_chain'), chains),
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
    });
  }
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
