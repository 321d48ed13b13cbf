import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import type { IntroducedParty } from '../needs/need-interests.service';
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

/** The subjects of a need's matches: their views, and who an introduction from a match tells. */
@Injectable()
export class MatchSubjects {
  async teams(em: EntityManager, ids: string[]): Promise<Map<string, TeamMatchView>> {
    const rows = await em.query<TeamMatchView[]>(
      `SELECT t.id, t.name, o.name AS "leadOrganizationName", COALESCE(d.chains, '{}') AS chains
       FROM teams t JOIN organizations o ON o.id = t.lead_organization_id
       LEFT JOIN match_documents d ON d.subject_kind = 'team' AND d.subject_id = t.id
       WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  async experts(em: EntityManager, ids: string[], withNames: boolean): Promise<Map<string, ExpertMatchView>> {
    const rows = await em.query<ExpertMatchView[]>(
      `SELECT e.id, u.display_name AS "displayName", e.keywords, e.industry_chain_codes AS "industryChains",
              o.region_code AS "regionCode"
       FROM experts e JOIN users u ON u.id = e.user_id
       JOIN organizations o ON o.id = e.affiliation_organization_id
       WHERE e.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { ...r, displayName: withNames ? r.displayName : null }]));
  }

  /**
   * Who an introduction from a match introduces: a result's holder organization, a team's lead
   * organization, an expert alone (the expert's account, never the affiliation's users). 404 for
   * an unknown subject; 422 for one that left the library (a result no longer published, an
   * inactive expert).
   */
  async party(em: EntityManager, kind: NeedMatchKind, id: string): Promise<IntroducedParty> {
    const subject = { kind, id };
    const [row] = await em.query<
      Array<{ organizationId: string | null; userId: string | null; open: boolean }>
    >(PARTY_SQL[kind], [id]);
    if (!row) throw DomainError.notFound('Match subject');
    if (!row.open) {
      throw new DomainError('BUSINESS_RULE_VIOLATION', `This ${kind} has left the matching library`);
    }
    return { interestId: null, subject, organizationId: row.organizationId, userId: row.userId };
  }
}

const PARTY_SQL: Record<NeedMatchKind, string> = {
  result: `SELECT organization_id AS "organizationId", NULL AS "userId", status = 'published' AS open
           FROM results WHERE id = $1`,
  team: `SELECT lead_organization_id AS "organizationId", NULL AS "userId", true AS open FROM teams WHERE id = $1`,
  expert: `SELECT NULL AS "organizationId", user_id AS "userId", active AS open FROM experts WHERE id = $1`,
};
