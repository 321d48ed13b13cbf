import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MatchIndex } from '../../platform/terms/match-index.service';
import type { MatchSubject } from '../../platform/terms/match-scoring';

/**
 * What matching reads of a team (ADR 0060 "Wiring"): its name and its members' roles (what each
 * does, never a person's name or title), the industry chains of the lists it applied to, and the
 * lead organization's region. Null for a team that does not exist.
 */
export async function teamMatchFields(em: EntityManager, teamId: string): Promise<MatchSubject | null> {
  const [row] = await em.query<Array<{ name: string; region: string; roles: string[]; chains: string[] }>>(
    `SELECT t.name, o.region_code AS region,
       ARRAY(SELECT m.role FROM team_members m WHERE m.team_id = t.id ORDER BY m.position) AS roles,
       ARRAY(SELECT DISTINCT c.industry_chain_code FROM applications a
             JOIN challenges c ON c.id = a.challenge_id WHERE a.team_id = t.id ORDER BY 1) AS chains
     FROM teams t JOIN organizations o ON o.id = t.lead_organization_id
     WHERE t.id = $1`,
    [teamId],
  );
  if (!row) return null;
  return { texts: [row.name, ...row.roles], chains: row.chains, region: row.region };
}

/** Keeps a team's entry in the matching index in step with its saves, in the caller's transaction. */
@Injectable()
export class TeamMatching {
  constructor(private readonly index: MatchIndex) {}

  async sync(em: EntityManager, teamId: string): Promise<void> {
    const fields = await teamMatchFields(em, teamId);
    if (!fields) return this.index.remove('team', teamId, em);
    await this.index.index('team', teamId, fields, em);
  }
}
