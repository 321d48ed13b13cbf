import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SubjectKind } from '../../platform/terms/match-scoring';
import { MATCHABLE_NEED_STATUSES } from '../needs/need-matching';
import type { NeedMatchKind } from './matching.constants';

/** A matched team as a need's readers see it (ADR 0060 "Wiring"). */
export interface TeamMatchView {
  id: string;
  name: string;
  leadOrganizationName: string;
  /** The industry chains the team is indexed with (those of the lists it applied to). */
  chains: string[];
}

/**
 * A matched expert: fields of expertise and region only. The name is shown to brokers and admins
 * (who would introduce the expert), never to the need's enterprise; never contact data, the
 * affiliation, reviews or scores.
 */
export interface ExpertMatchView {
  id: string;
  displayName: string | null;
  keywords: string[];
  industryChains: string[];
  regionCode: string;
}

/** Who an introduction from a match tells, and whether the subject is still in the library. */
export interface SubjectParty {
  organizationId: string | null;
  userId: string | null;
  open: boolean;
}

/** Subjects indexed per backfill batch. */
export const BACKFILL_BATCH = 100;

/** The subjects of a kind that belong in the library (what each owner would index). */
const ELIGIBLE: Record<SubjectKind, { table: string; where: string }> = {
  need: { table: 'needs', where: `s.status IN (${MATCHABLE_NEED_STATUSES.map((x) => `'${x}'`).join(', ')})` },
  result: { table: 'results', where: `s.status = 'published'` },
  team: { table: 'teams', where: 'true' },
  expert: { table: 'experts', where: 's.active' },
};

/** Eligible and not in match_documents: the first batch after `$1`, or the one `$1` with `one`. */
function missingSql(kind: SubjectKind, one: boolean): string {
  const { table, where } = ELIGIBLE[kind];
  return `SELECT s.id FROM ${table} s WHERE ${where} AND s.id ${one ? '=' : '>'} $1::uuid AND NOT EXISTS (
     SELECT 1 FROM match_documents d WHERE d.subject_kind = '${kind}' AND d.subject_id = s.id)
   ORDER BY s.id LIMIT ${BACKFILL_BATCH}`;
}

const PARTY_SQL: Record<NeedMatchKind, string> = {
  result: `SELECT organization_id AS "organizationId", NULL AS "userId", status = 'published' AS open
           FROM results WHERE id = $1`,
  team: `SELECT lead_organization_id AS "organizationId", NULL AS "userId", true AS open FROM teams WHERE id = $1`,
  expert: `SELECT NULL AS "organizationId", user_id AS "userId", active AS open FROM experts WHERE id = $1`,
};

/**
 * What matching reads of the subjects' own tables (needs, results, teams, experts, their
 * organizations and users): the views on a need's matches, the party of an introduction, and the
 * subjects missing from the index (the backfill). Reads only; each owner writes its own index entry.
 */
@Injectable()
export class MatchSubjectsRepository {
  async teams(em: EntityManager, ids: string[]): Promise<TeamMatchView[]> {
    return em.query<TeamMatchView[]>(
      `SELECT t.id, t.name, o.name AS "leadOrganizationName", COALESCE(d.chains, '{}') AS chains
       FROM teams t JOIN organizations o ON o.id = t.lead_organization_id
       LEFT JOIN match_documents d ON d.subject_kind = 'team' AND d.subject_id = t.id
       WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async experts(em: EntityManager, ids: string[]): Promise<ExpertMatchView[]> {
    return em.query<ExpertMatchView[]>(
      `SELECT e.id, u.display_name AS "displayName", e.keywords, e.industry_chain_codes AS "industryChains",
              o.region_code AS "regionCode"
       FROM experts e JOIN users u ON u.id = e.user_id
       JOIN organizations o ON o.id = e.affiliation_organization_id
       WHERE e.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  async party(em: EntityManager, kind: NeedMatchKind, id: string): Promise<SubjectParty | null> {
    const [row] = await em.query<SubjectParty[]>(PARTY_SQL[kind], [id]);
    return row ?? null;
  }

  /** The next batch of subjects of `kind` eligible and missing from the index, ids after `after`. */
  async missing(em: EntityManager, kind: SubjectKind, after: string): Promise<string[]> {
    return (await em.query<Array<{ id: string }>>(missingSql(kind, false), [after])).map((r) => r.id);
  }

  /**
   * In a backfill's transaction: waits for an owner's save of the subject in flight (a share lock
   * on its row), then answers afresh whether it is still eligible and missing.
   */
  async lockMissing(em: EntityManager, kind: SubjectKind, id: string): Promise<boolean> {
    await em.query(`SELECT 1 FROM ${ELIGIBLE[kind].table} WHERE id = $1 FOR SHARE`, [id]);
    return (await em.query<unknown[]>(missingSql(kind, true), [id])).length > 0;
  }

  /** An expert's indexed fields (the profile's own save indexes the same). */
  async expertFields(
    em: EntityManager,
    id: string,
  ): Promise<{ keywords: string[]; industryChainCodes: string[]; region: string } | null> {
    const [row] = await em.query<Array<{ keywords: string[]; industryChainCodes: string[]; region: string }>>(
      `SELECT e.keywords, e.industry_chain_codes AS "industryChainCodes", o.region_code AS region
       FROM experts e JOIN organizations o ON o.id = e.affiliation_organization_id WHERE e.id = $1`,
      [id],
    );
    return row ?? null;
  }
}
