import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../../common/auth/principal';
import { byCreation, Page, paginate } from '../../../common/pagination/pagination';
import type { OrganizationType } from '../../platform/organizations/organization-types';
import type { ListExpertsQueryDto } from './dto/expert-input.dto';
import { ExpertCollaborationEntity } from './entities/expert-collaboration.entity';
import { ExpertEntity } from './entities/expert.entity';
import type {
  CollaborationInput,
  DrawableExpert,
  ExpertHead,
  ExpertOrganization,
  ExpertWithParts,
  ProfileUser,
} from './expert-types';

/** Kept for the panel draws that still import it from here; new code imports it from expert-types. */
export type { DrawableExpert } from './expert-types';

interface OrganizationRow {
  id: string;
  name: string;
  type: OrganizationType;
  region_code: string;
}

interface DrawableRow {
  expert_id: string;
  user_id: string;
  affiliation_organization_id: string;
  affiliation_type: OrganizationType;
  user_organization_id: string;
  keywords: string[];
}

const toOrganization = (r: OrganizationRow): ExpertOrganization => ({
  id: r.id,
  name: r.name,
  type: r.type,
  regionCode: r.region_code,
});

@Injectable()
export class ExpertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ExpertEntity | null> {
    return em.findOne(ExpertEntity, { where: { id } });
  }

  findByUserId(userId: string, em: EntityManager = this.dataSource.manager): Promise<ExpertEntity | null> {
    return em.findOne(ExpertEntity, { where: { userId } });
  }

  /** The row locked FOR UPDATE until the transaction ends: every edit goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ExpertEntity | null> {
    return em.findOne(ExpertEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  existsForUser(em: EntityManager, userId: string): Promise<boolean> {
    return em.exists(ExpertEntity, { where: { userId } });
  }

  /** The user a new profile would belong to, or null when there is none. */
  async findProfileUser(em: EntityManager, userId: string): Promise<ProfileUser | null> {
    const [row] = await em.query<
      Array<{ id: string; organization_id: string; enabled: boolean; roles: Role[] }>
    >(`SELECT id, organization_id, enabled, roles FROM users WHERE id = $1`, [userId]);
    return row
      ? { id: row.id, organizationId: row.organization_id, enabled: row.enabled, roles: row.roles }
      : null;
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

  /** The expert's user, affiliation organization and collaborations, in their order. */
  async withParts(em: EntityManager, expert: ExpertEntity): Promise<ExpertWithParts> {
    // One after another: `em` may be a transaction's, and its one connection runs one query at a time.
    const [head] = await this.headsOf(em, [expert]);
    const collaborations = await em.query<
      Array<OrganizationRow & { description: string; from_year: number; to_year: number | null }>
    >(
      `SELECT o.id, o.name, o.type, o.region_code, c.description, c.from_year, c.to_year
       FROM expert_collaborations c JOIN organizations o ON o.id = c.organization_id
       WHERE c.expert_id = $1 ORDER BY c.position`,
      [expert.id],
    );
    return {
      ...head,
      collaborations: collaborations.map((r) => ({
        organization: toOrganization(r),
        description: r.description,
        fromYear: r.from_year,
        toYear: r.to_year,
      })),
    };
  }

  async replaceCollaborations(
    em: EntityManager,
    expertId: string,
    inputs: CollaborationInput[],
  ): Promise<void> {
    await em.delete(ExpertCollaborationEntity, { expertId });
    if (!inputs.length) return;
    await em.insert(
      ExpertCollaborationEntity,
      inputs.map((input, position) => ({
        expertId,
        position,
        organizationId: input.organizationId,
        description: input.description.trim(),
        fromYear: input.fromYear,
        toYear: input.toYear ?? null,
      })),
    );
  }

  /**
   * Newest first, keyset paginated. `industryChain` uses the GIN index (`@>`); `q` is a
   * case-insensitive part of a keyword or of the user's display name.
   */
  listNewestFirst(query: ListExpertsQueryDto): Promise<Page<ExpertEntity>> {
    const qb = this.dataSource.getRepository(ExpertEntity).createQueryBuilder('e');
    if (query.industryChain) {
      qb.andWhere('e.industry_chain_codes @> ARRAY[:chain]::text[]', { chain: query.industryChain });
    }
    if (query.active !== undefined) qb.andWhere('e.active = :active', { active: query.active });
    if (query.affiliationOrganizationId) {
      qb.andWhere('e.affiliation_organization_id = :affiliation', {
        affiliation: query.affiliationOrganizationId,
      });
    }
    if (query.q) {
      qb.andWhere(
        `(EXISTS (SELECT 1 FROM unnest(e.keywords) AS k(keyword) WHERE strpos(lower(k.keyword), lower(:q)) > 0)
          OR EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id AND strpos(lower(u.display_name), lower(:q)) > 0))`,
        { q: query.q.trim() },
      );
    }
    return paginate(qb, byCreation('e'), query);
  }

  /** Listed experts with their users and affiliation organizations (one query), in the same order. */
  withHeads(experts: ExpertEntity[]): Promise<ExpertHead[]> {
    return this.headsOf(this.dataSource.manager, experts);
  }

  /** How many of the experts are affiliated with an enterprise (a panel's enterprise minimum). */
  async countEnterpriseAffiliated(em: EntityManager, expertIds: string[]): Promise<number> {
    if (!expertIds.length) return 0;
    const [row] = await em.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM experts e JOIN organizations o ON o.id = e.affiliation_organization_id
       WHERE e.id = ANY($1::uuid[]) AND o.type = 'enterprise'`,
      [expertIds],
    );
    return row.n;
  }

  /**
   * For the panel draw: the active experts whose fields include the industry chain, with an
   * enabled account that still has the `expert` role (anyone else could not declare or score),
   * their affiliation's type and their collaborations. Two queries; ordered by expert id, so a
   * seeded draw over the result is repeatable.
   */
  async findActiveForChain(em: EntityManager, industryChainCode: string): Promise<DrawableExpert[]> {
    return this.drawable(
      em,
      `e.active AND e.industry_chain_codes @> ARRAY[$1]::text[] AND u.enabled AND 'expert' = ANY(u.roles)`,
      [industryChainCode],
    );
  }

  /**
   * For the declaration: one expert as the conflict rules read it now (the profile may have
   * changed since the draw), whatever its active flag; null when there is no such expert.
   */
  async findForConflicts(em: EntityManager, expertId: string): Promise<DrawableExpert | null> {
    const [expert] = await this.drawable(em, `e.id = $1`, [expertId]);
    return expert ?? null;
  }

  // — helpers —

  private async drawable(em: EntityManager, where: string, params: unknown[]): Promise<DrawableExpert[]> {
    const rows = await em.query<DrawableRow[]>(
      `SELECT e.id AS expert_id, e.user_id, e.affiliation_organization_id, o.type AS affiliation_type,
         u.organization_id AS user_organization_id, e.keywords
       FROM experts e
         JOIN users u ON u.id = e.user_id
         JOIN organizations o ON o.id = e.affiliation_organization_id
       WHERE ${where}
       ORDER BY e.id`,
      params,
    );
    if (!rows.length) return [];
    const collaborations = await em.query<
      Array<{ expert_id: string; organization_id: string; from_year: number; to_year: number | null }>
    >(
      `SELECT expert_id, organization_id, from_year, to_year FROM expert_collaborations
       WHERE expert_id = ANY($1::uuid[]) ORDER BY expert_id, position`,
      [rows.map((r) => r.expert_id)],
    );
    const byExpert = new Map<string, DrawableExpert['collaborations']>();
    for (const c of collaborations) {
      const list = byExpert.get(c.expert_id) ?? [];
      list.push({ organizationId: c.organization_id, fromYear: c.from_year, toYear: c.to_year });
      byExpert.set(c.expert_id, list);
    }
    return rows.map((r) => ({
      expertId: r.expert_id,
      userId: r.user_id,
      affiliationOrganizationId: r.affiliation_organization_id,
      affiliationType: r.affiliation_type,
      userOrganizationId: r.user_organization_id,
      keywords: r.keywords,
      collaborations: byExpert.get(r.expert_id) ?? [],
    }));
  }

  private async headsOf(em: EntityManager, experts: ExpertEntity[]): Promise<ExpertHead[]> {
    if (!experts.length) return [];
    const organizations = await em.query<OrganizationRow[]>(
      `SELECT id, name, type, region_code FROM organizations WHERE id = ANY($1::uuid[])`,
      [[...new Set(experts.map((e) => e.affiliationOrganizationId))]],
    );
    const users = await em.query<
      Array<{ id: string; display_name: string; organization_id: string; enabled: boolean }>
    >(`SELECT id, display_name, organization_id, enabled FROM users WHERE id = ANY($1::uuid[])`, [
      [...new Set(experts.map((e) => e.userId))],
    ]);
    const organizationById = new Map(organizations.map((r) => [r.id, toOrganization(r)]));
    const userById = new Map(
      users.map((r) => [
        r.id,
        { id: r.id, displayName: r.display_name, organizationId: r.organization_id, enabled: r.enabled },
      ]),
    );
    return experts.map((expert) => {
      const affiliationOrganization = organizationById.get(expert.affiliationOrganizationId);
      const user = userById.get(expert.userId);
      // Foreign keys guarantee both; a miss is a fault, not the caller's.
      if (!affiliationOrganization || !user) {
        throw new Error(`expert ${expert.id}: user or affiliation organization missing`);
      }
      return { expert, user, affiliationOrganization };
    });
  }
}
