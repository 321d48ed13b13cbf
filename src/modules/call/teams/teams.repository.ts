import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import type { OrganizationType } from '../../platform/organizations/entities/organization.entity';
import type { TeamMembership } from './dto/team-input.dto';
import { TeamConsortiumMemberEntity } from './entities/team-consortium-member.entity';
import { TeamMemberEntity } from './entities/team-member.entity';
import { TeamEntity } from './entities/team.entity';
import { ACTIVE_APPLICATION_STATUSES } from './team-rules';

/** An organization as a team shows it, and as the application's eligibility rules read it. */
export interface TeamOrganization {
  id: string;
  name: string;
  type: OrganizationType;
  regionCode: string;
}

export interface TeamLeader {
  id: string;
  displayName: string;
  enabled: boolean;
}

export interface ConsortiumPart {
  organization: TeamOrganization;
  role: string;
  sharePercent: number | null;
}

export interface MemberPart {
  name: string;
  title: string;
  role: string;
  organizationId: string;
  userId: string | null;
}

/** A team with its lead organization and leader: a listing's item. */
export interface TeamHead {
  team: TeamEntity;
  leadOrganization: TeamOrganization;
  leader: TeamLeader;
}

/** A team with everything a reader or an application needs: lead organization, leader, consortium, members. */
export interface TeamWithParts extends TeamHead {
  consortium: ConsortiumPart[];
  members: MemberPart[];
}

export interface ConsortiumInput {
  organizationId: string;
  role: string;
  sharePercent?: number | null;
}

export interface MemberInput {
  name: string;
  title: string;
  role: string;
  organizationId: string;
  userId?: string | null;
}

/** Which teams a listing returns: of one organization (as lead or as consortium member), or all. */
export type TeamListScope = { organizationId: string; membership: TeamMembership } | { all: true };

interface OrganizationRow {
  id: string;
  name: string;
  type: OrganizationType;
  region_code: string;
}

const toOrganization = (r: OrganizationRow): TeamOrganization => ({
  id: r.id,
  name: r.name,
  type: r.type,
  regionCode: r.region_code,
});

@Injectable()
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<TeamEntity | null> {
    return em.findOne(TeamEntity, { where: { id } });
  }

  /** The row locked FOR UPDATE until the transaction ends: every edit goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<TeamEntity | null> {
    return em.findOne(TeamEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The row locked FOR SHARE: an application being submitted holds it, so a concurrent edit waits (ADR 0020). */
  findByIdForShare(em: EntityManager, id: string): Promise<TeamEntity | null> {
    return em.findOne(TeamEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  /** Whether an application in an active status (ACTIVE_APPLICATION_STATUSES) refers to the team: then it is locked. */
  async hasActiveApplication(em: EntityManager, teamId: string): Promise<boolean> {
    const placeholders = ACTIVE_APPLICATION_STATUSES.map((_, i) => `$${i + 2}`).join(', ');
    const [row] = await em.query<Array<{ active: boolean }>>(
      `SELECT EXISTS(SELECT 1 FROM applications WHERE team_id = $1 AND status IN (${placeholders})) AS active`,
      [teamId, ...ACTIVE_APPLICATION_STATUSES],
    );
    return row.active;
  }

  /** The team's lead organization, leader, consortium and members, in their order. */
  async withParts(em: EntityManager, team: TeamEntity): Promise<TeamWithParts> {
    // One after another: `em` may be a transaction's, and its one connection runs one query at a time.
    const heads = await em.query<
      Array<OrganizationRow & { leader_id: string; display_name: string; enabled: boolean }>
    >(
      `SELECT o.id, o.name, o.type, o.region_code, u.id AS leader_id, u.display_name, u.enabled
       FROM organizations o, users u WHERE o.id = $1 AND u.id = $2`,
      [team.leadOrganizationId, team.leaderUserId],
    );
    const consortium = await em.query<
      Array<OrganizationRow & { role: string; share_percent: number | null }>
    >(
      `SELECT o.id, o.name, o.type, o.region_code, m.role, m.share_percent
       FROM team_consortium_members m JOIN organizations o ON o.id = m.organization_id
       WHERE m.team_id = $1 ORDER BY m.position`,
      [team.id],
    );
    const members = await em.find(TeamMemberEntity, {
      where: { teamId: team.id },
      order: { position: 'ASC' },
    });
    const head = heads[0];
    return {
      team,
      leadOrganization: toOrganization(head),
      leader: { id: head.leader_id, displayName: head.display_name, enabled: head.enabled },
      consortium: consortium.map((r) => ({
        organization: toOrganization(r),
        role: r.role,
        sharePercent: r.share_percent,
      })),
      members: members.map((m) => ({
        name: m.name,
        title: m.title,
        role: m.role,
        organizationId: m.organizationId,
        userId: m.userId,
      })),
    };
  }

  async replaceConsortium(em: EntityManager, teamId: string, inputs: ConsortiumInput[]): Promise<void> {
    await em.delete(TeamConsortiumMemberEntity, { teamId });
    if (!inputs.length) return;
    await em.insert(
      TeamConsortiumMemberEntity,
      inputs.map((input, position) => ({
        teamId,
        organizationId: input.organizationId,
        position,
        role: input.role.trim(),
        sharePercent: input.sharePercent ?? null,
      })),
    );
  }

  async replaceMembers(em: EntityManager, teamId: string, inputs: MemberInput[]): Promise<void> {
    await em.delete(TeamMemberEntity, { teamId });
    if (!inputs.length) return;
    await em.insert(
      TeamMemberEntity,
      inputs.map((input, position) => ({
        teamId,
        position,
        name: input.name.trim(),
        title: input.title.trim(),
        role: input.role.trim(),
        organizationId: input.organizationId,
        userId: input.userId ?? null,
      })),
    );
  }

  /** The ids among `ids` of organizations that exist. */
  async existingOrganizationIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await em.query<Array<{ id: string }>>(
      `SELECT id FROM organizations WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** user id → organization id, for the users among `ids` that exist. */
  async userOrganizations(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await em.query<Array<{ id: string; organization_id: string }>>(
      `SELECT id, organization_id FROM users WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.organization_id]));
  }

  /** Whether the user exists, belongs to the organization and is enabled: who may lead a team of it. */
  async isEnabledUserOf(em: EntityManager, userId: string, organizationId: string): Promise<boolean> {
    const [row] = await em.query<Array<{ ok: boolean }>>(
      `SELECT EXISTS(SELECT 1 FROM users WHERE id = $1 AND organization_id = $2 AND enabled) AS ok`,
      [userId, organizationId],
    );
    return row.ok;
  }

  /** Whether the organization is a consortium member of the team. */
  isConsortiumMember(
    teamId: string,
    organizationId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    return em.exists(TeamConsortiumMemberEntity, { where: { teamId, organizationId } });
  }

  /** Newest first, keyset paginated; a lead organization's teams use ix_teams_lead_organization. */
  listNewestFirst(query: PageQueryDto, scope: TeamListScope): Promise<Page<TeamEntity>> {
    const qb = this.dataSource.getRepository(TeamEntity).createQueryBuilder('t');
    if ('organizationId' in scope) {
      if (scope.membership === 'lead') {
        qb.andWhere('t.lead_organization_id = :organizationId', { organizationId: scope.organizationId });
      } else {
        qb.andWhere(
          't.id IN (SELECT m.team_id FROM team_consortium_members m WHERE m.organization_id = :organizationId)',
          { organizationId: scope.organizationId },
        );
      }
    }
    return paginate(qb, byCreation('t'), query);
  }

  /** Listed teams with their lead organizations and leaders (one query each), in the same order. */
  async withHeads(teams: TeamEntity[]): Promise<TeamHead[]> {
    if (!teams.length) return [];
    const [organizations, leaders] = await Promise.all([
      this.dataSource.query<OrganizationRow[]>(
        `SELECT id, name, type, region_code FROM organizations WHERE id = ANY($1::uuid[])`,
        [[...new Set(teams.map((t) => t.leadOrganizationId))]],
      ),
      this.dataSource.query<Array<{ id: string; display_name: string; enabled: boolean }>>(
        `SELECT id, display_name, enabled FROM users WHERE id = ANY($1::uuid[])`,
        [[...new Set(teams.map((t) => t.leaderUserId))]],
      ),
    ]);
    const organizationById = new Map(organizations.map((r) => [r.id, toOrganization(r)]));
    const leaderById = new Map(
      leaders.map((r) => [r.id, { id: r.id, displayName: r.display_name, enabled: r.enabled }]),
    );
    return teams.map((team) => {
      const leadOrganization = organizationById.get(team.leadOrganizationId);
      const leader = leaderById.get(team.leaderUserId);
      // Foreign keys guarantee both; a miss is a fault, not the caller's.
      if (!leadOrganization || !leader)
        throw new Error(`team ${team.id}: lead organization or leader missing`);
      return { team, leadOrganization, leader };
    });
  }

  /**
   * What matching reads of a team (ADR 0060 "Wiring"): its name, its members' roles (never a
   * person's name or title), the industry chains of the lists it applied to, the lead
   * organization's region. Null for a team that does not exist.
   */
  async matchFields(
    em: EntityManager,
    teamId: string,
  ): Promise<{ name: string; region: string; roles: string[]; chains: string[] } | null> {
    const [row] = await em.query<Array<{ name: string; region: string; roles: string[]; chains: string[] }>>(
      `SELECT t.name, o.region_code AS region,
         ARRAY(SELECT m.role FROM team_members m WHERE m.team_id = t.id ORDER BY m.position) AS roles,
         ARRAY(SELECT DISTINCT c.industry_chain_code FROM applications a
               JOIN challenges c ON c.id = a.challenge_id WHERE a.team_id = t.id ORDER BY 1) AS chains
       FROM teams t JOIN organizations o ON o.id = t.lead_organization_id
       WHERE t.id = $1`,
      [teamId],
    );
    return row ?? null;
  }
}
