import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { teamMatchFields } from '../../call/teams/team-matching';
import { expertMatchFields } from '../../evaluation/experts/expert-matching';
import { MatchIndex } from '../../platform/terms/match-index.service';
import type { MatchSubject, SubjectKind } from '../../platform/terms/match-scoring';
import { MATCHABLE_NEED_STATUSES, publicMatchFields } from '../needs/need-matching';
import { NeedsRepository } from '../needs/needs.repository';
import { publicResultFields } from '../results/result-matching';
import { ResultsRepository } from '../results/results.repository';

/** Subjects indexed per transaction. */
const BATCH = 100;
/** One backfilled subject at a time across every worker (pg_advisory_xact_lock). */
const LOCK = 'match-backfill';

/** The subjects of a kind that belong in the library (what each owner would index). */
const ELIGIBLE: Record<SubjectKind, { table: string; where: string }> = {
  need: { table: 'needs', where: `s.status IN (${MATCHABLE_NEED_STATUSES.map((x) => `'${x}'`).join(', ')})` },
  result: { table: 'results', where: `s.status = 'published'` },
  team: { table: 'teams', where: 'true' },
  expert: { table: 'experts', where: 's.active' },
};

/** Eligible and not in match_documents: the first BATCH after `$1`, or the one `$1` with `one`. */
function missingSql(kind: SubjectKind, one: boolean): string {
  const { table, where } = ELIGIBLE[kind];
  return `SELECT s.id FROM ${table} s WHERE ${where} AND s.id ${one ? '=' : '>'} $1::uuid AND NOT EXISTS (
     SELECT 1 FROM match_documents d WHERE d.subject_kind = '${kind}' AND d.subject_id = s.id)
   ORDER BY s.id LIMIT ${BATCH}`;
}

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
  ) {}

  /**
   * Indexes what is missing; answers how many subjects of each kind it indexed. Each subject in its
   * own transaction (one index call: its term rows locked in one order, never a deadlock with an
   * owner's save), after a share lock on the subject's row (an owner's save in flight finishes
   * first) and a fresh look that it is still eligible and missing.
   */
  async run(): Promise<Record<SubjectKind, number>> {
    const counts: Record<SubjectKind, number> = { need: 0, result: 0, team: 0, expert: 0 };
    for (const kind of Object.keys(ELIGIBLE) as SubjectKind[]) {
      let after = NIL;
      for (;;) {
        const ids = (
          await this.dataSource.query<Array<{ id: string }>>(missingSql(kind, false), [after])
        ).map((r) => r.id);
        for (const id of ids) if (await this.indexOne(kind, id)) counts[kind] += 1;
        if (ids.length < BATCH) break;
        after = ids[ids.length - 1];
      }
    }
    return counts;
  }

  private indexOne(kind: SubjectKind, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [LOCK]);
      await em.query(`SELECT 1 FROM ${ELIGIBLE[kind].table} WHERE id = $1 FOR SHARE`, [id]);
      if (!(await em.query<unknown[]>(missingSql(kind, true), [id])).length) return false;
      const fields = await this.fieldsOf(em, kind, id);
      if (fields) await this.index.index(kind, id, fields, em);
      return fields !== null;
    });
  }

  private async fieldsOf(em: EntityManager, kind: SubjectKind, id: string): Promise<MatchSubject | null> {
    switch (kind) {
      case 'need': {
        const need = await this.needs.findById(id, em);
        return need && publicMatchFields(need);
      }
      case 'result': {
        const result = await this.results.findById(id, em);
        return result && publicResultFields(result);
      }
      case 'team':
        return teamMatchFields(em, id);
      case 'expert': {
        const [row] = await em.query<
          Array<{ keywords: string[]; industryChainCodes: string[]; region: string }>
        >(
          `SELECT e.keywords, e.industry_chain_codes AS "industryChainCodes", o.region_code AS region
           FROM experts e JOIN organizations o ON o.id = e.affiliation_organization_id WHERE e.id = $1`,
          [id],
        );
        return row ? expertMatchFields(row, row.region) : null;
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
