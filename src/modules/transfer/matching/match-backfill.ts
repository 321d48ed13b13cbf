import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TeamMatching } from '../../call/teams/team-matching';
import { expertMatchFields } from '../../evaluation/experts/expert-matching';
import { MatchIndex } from '../../platform/terms/match-index.service';
import type { MatchSubject, SubjectKind } from '../../platform/terms/match-scoring';
import { publicMatchFields } from '../needs/need-matching';
import { NeedsRepository } from '../needs/needs.repository';
import { publicResultFields } from '../results/result-matching';
import { ResultsRepository } from '../results/results.repository';
import { BACKFILL_BATCH, MatchSubjectsRepository } from './match-subjects.repository';

/** One backfilled subject at a time across every worker (pg_advisory_xact_lock). */
const LOCK = 'match-backfill';
const KINDS: readonly SubjectKind[] = ['need', 'result', 'team', 'expert'];
const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * Puts into the matching index every subject that belongs there and is missing (ADR 0060
 * "Wiring"): experts and teams saved before matching existed, and anything an owner failed to
 * index. Idempotent: it indexes only what `match_documents` lacks, from the same public fields as
 * the owners (needs open and public, published results, every team, active experts). Run by the
 * worker at start (MatchBackfillRunner).
 */
@Injectable()
export class MatchBackfill {
  constructor(
    private readonly dataSource: DataSource,
    private readonly index: MatchIndex,
    private readonly needs: NeedsRepository,
    private readonly results: ResultsRepository,
    private readonly teams: TeamMatching,
    private readonly subjects: MatchSubjectsRepository,
  ) {}

  /**
   * Indexes what is missing; answers how many subjects of each kind it indexed. Each subject in its
   * own transaction (one index call: its term rows locked in one order, never a deadlock with an
   * owner's save), after a share lock on the subject's row (an owner's save in flight finishes
   * first) and a fresh look that it is still eligible and missing.
   */
  async run(): Promise<Record<SubjectKind, number>> {
    const counts: Record<SubjectKind, number> = { need: 0, result: 0, team: 0, expert: 0 };
    for (const kind of KINDS) {
      let after = NIL;
      for (;;) {
        const ids = await this.subjects.missing(this.dataSource.manager, kind, after);
        for (const id of ids) if (await this.indexOne(kind, id)) counts[kind] += 1;
        if (ids.length < BACKFILL_BATCH) break;
        after = ids[ids.length - 1];
      }
    }
    return counts;
  }

  private indexOne(kind: SubjectKind, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [LOCK]);
      if (!(await this.subjects.lockMissing(em, kind, id))) return false;
      if (kind === 'team') {
        await this.teams.sync(em, id);
        return true;
      }
      const fields = await this.fieldsOf(em, kind, id);
      if (fields) await this.index.index(kind, id, fields, em);
      return fields !== null;
    });
  }

  private async fieldsOf(
    em: EntityManager,
    kind: Exclude<SubjectKind, 'team'>,
    id: string,
  ): Promise<MatchSubject | null> {
    switch (kind) {
      case 'need': {
        const need = await this.needs.findById(id, em);
        return need && publicMatchFields(need);
      }
      case 'result': {
        const result = await this.results.findById(id, em);
        return result && publicResultFields(result);
      }
      default: {
        const row = await this.subjects.expertFields(em, id);
        return row && expertMatchFields(row, row.region);
      }
    }
  }
}

/** The worker runs the backfill once at start, in the background (a failure is logged, not fatal). */
@Injectable()
export class MatchBackfillRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger(MatchBackfillRunner.name);
  /** The start's run, for whoever needs to wait for it (tests). */
  started: Promise<unknown> = Promise.resolve();

  constructor(private readonly backfill: MatchBackfill) {}

  onApplicationBootstrap(): void {
    this.started = this.backfill.run().then(
      (counts) => {
        if (Object.values(counts).some((n) => n > 0))
          this.logger.log({ counts }, 'Matching index backfilled');
      },
      (error: unknown) =>
        this.logger.warn({ err: error }, `Matching backfill failed: ${(error as Error).message}`),
    );
  }
}
