import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { StatsOverviewDto, StatsQueryDto } from './dto/stats.dto';
import { knowsProgram, partsOf, programsOf } from './stats-figures';
import { assembleOverview, StatsScope } from './stats-overview';
import { StatsSnapshots } from './stats-snapshots';
import { StatsRepository } from './stats.repository';

/** Answers kept per snapshot: the filters are bounded (programs × years), this bounds the memory anyway. */
const MAX_MEMOIZED = 500;

/**
 * Public statistics (DOMAIN.md "Audit and open data", ADR 0032, ADR 0054). `overview` answers from
 * the stored figures (StatsSnapshots: never older than STATS_MAX_AGE_MS by the injected clock, the
 * same for every API process), each filter's answer derived once per snapshot; `live` computes the
 * same answer from the tables, in one snapshot: the definition the stored figures are tested
 * against, and the bench's baseline.
 */
@Injectable()
export class StatsService {
  private memo: { version: string; computedAt: number; answers: Map<string, StatsOverviewDto> } | null = null;

  constructor(
    private readonly snapshots: StatsSnapshots,
    private readonly stats: StatsRepository,
    private readonly clock: Clock,
  ) {}

  async overview(query: StatsQueryDto): Promise<StatsOverviewDto> {
    const scope: StatsScope = { programId: query.programId, year: query.year };
    const snapshot = await this.snapshots.current();
    // A program created after the snapshot has no figures in it yet; one that does not exist is a 404.
    if (
      scope.programId !== undefined &&
      !knowsProgram(snapshot.figures, scope.programId) &&
      !(await this.stats.programExists(this.stats.manager, scope.programId))
    ) {
      throw DomainError.notFound('Program');
    }
    const computedAt = snapshot.computedAt.getTime();
    if (this.memo?.version !== snapshot.version || this.memo.computedAt !== computedAt) {
      this.memo = { version: snapshot.version, computedAt, answers: new Map() };
    }
    const key = `${scope.programId ?? ''}|${scope.year ?? ''}`;
    let answer = this.memo.answers.get(key);
    if (!answer) {
      const parts = partsOf(snapshot.figures, programsOf(snapshot.figures, scope));
      answer = assembleOverview(scope, snapshot.computedAt, parts);
      if (this.memo.answers.size < MAX_MEMOIZED) this.memo.answers.set(key, answer);
    }
    return answer;
  }

  /** The answer computed from the tables now, in one read-only REPEATABLE READ transaction (ADR 0032). */
  live(query: StatsQueryDto): Promise<StatsOverviewDto> {
    const now = this.clock.now();
    const scope: StatsScope = { programId: query.programId, year: query.year };
    return this.stats.snapshot(async (em) => {
      if (scope.programId !== undefined && !(await this.stats.programExists(em, scope.programId))) {
        throw DomainError.notFound('Program');
      }
      return assembleOverview(scope, now, {
        groups: await this.stats.groups(em, scope, now),
        applications: await this.stats.applicationCounts(em, scope, now),
        acceptances: await this.stats.acceptances(em, scope),
        categories: await this.stats.terms(em, 'categories'),
        chains: await this.stats.terms(em, 'industry_chains'),
      });
    });
  }
}
