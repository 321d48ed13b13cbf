import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, paginate } from '../../../common/pagination/pagination';
import { NeedInterestEntity } from './entities/need-interest.entity';
import { NeedIntroductionEntity } from './entities/need-introduction.entity';
import { NeedNdaEntity } from './entities/need-nda.entity';
import { NeedEntity } from './entities/need.entity';
import type { NeedStatus } from './needs-status';

/** What a need's answer joins from elsewhere: the enterprise's name, the chain's name, the projects. */
export interface NeedContext {
  enterpriseName: string;
  chainName: string;
  projectIds: string[];
}

export interface NeedFilter {
  limit?: number;
  cursor?: string;
  status?: NeedStatus;
  industryChain?: string;
  /** Only these statuses (the public ones). */
  statuses?: readonly NeedStatus[];
  enterpriseOrganizationId?: string;
  /** Routed to one of these centres, or claimed by this broker. */
  centres?: { ids: string[]; brokerUserId: string };
}

/** The need aggregate: needs, their undertakings, expressions of interest and introductions. */
@Injectable()
export class NeedsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<NeedEntity | null> {
    return em.findOne(NeedEntity, { where: { id } });
  }

  /** The rows of these ids in one statement (any order; ids without a row left out). */
  findByIds(ids: string[], em: EntityManager = this.dataSource.manager): Promise<NeedEntity[]> {
    return ids.length ? em.findBy(NeedEntity, { id: In(ids) }) : Promise.resolve([]);
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<NeedEntity | null> {
    return em.findOne(NeedEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(em: EntityManager, need: NeedEntity): Promise<NeedEntity> {
    return em.save(need);
  }

  async confidential(id: string): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ confidential_details: string }>>(
      `SELECT confidential_details FROM needs WHERE id = $1`,
      [id],
    );
    return row?.confidential_details ?? '';
  }

  /** A page of needs; on `source`, a read replica for anonymous public pages (ADR 0065). */
  async page(filter: NeedFilter, source: DataSource = this.dataSource): Promise<Page<NeedEntity>> {
    const qb = source.getRepository(NeedEntity).createQueryBuilder('n');
    if (filter.status) qb.andWhere('n.status = :status', { status: filter.status });
    if (filter.statuses) qb.andWhere('n.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.industryChain) qb.andWhere('n.industryChainCode = :chain', { chain: filter.industryChain });
    if (filter.enterpriseOrganizationId)
      qb.andWhere('n.enterpriseOrganizationId = :org', { org: filter.enterpriseOrganizationId });
    const centres = filter.centres;
    if (centres) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('n.brokerUserId = :broker', { broker: centres.brokerUserId });
          if (centres.ids.length)
            w.orWhere('n.centreOrganizationId IN (:...centres)', { centres: centres.ids });
        }),
      );
    }
    return paginate(qb, byCreation('n'), { limit: filter.limit, cursor: filter.cursor });
  }

  /** The enterprise's and the chain's names and the projects of the promoted list, per need. */
  async contexts(ids: string[]): Promise<Map<string, NeedContext>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource.query<
      Array<{ id: string; enterprise_name: string; chain_name: string; project_ids: string[] }>
    >(
      `SELECT n.id, o.name AS enterprise_name, ic.name_zh AS chain_name,
              coalesce((SELECT array_agg(p.id ORDER BY p.created_at, p.id) FROM projects p
                        WHERE n.challenge_id IS NOT NULL AND p.challenge_id = n.challenge_id), '{}') AS project_ids
       FROM needs n
       JOIN organizations o ON o.id = n.enterprise_organization_id
       JOIN industry_chains ic ON ic.code = n.industry_chain_code
       WHERE n.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { enterpriseName: r.enterprise_name, chainName: r.chain_name, projectIds: r.project_ids },
      ]),
    );
  }

  async organizationType(
    em: EntityManager,
    organizationId: string,
  ): Promise<{ type: string; regionCode: string } | null> {
    const [row] = await em.query<Array<{ type: string; region_code: string }>>(
      `SELECT type::text AS type, region_code FROM organizations WHERE id = $1`,
      [organizationId],
    );
    return row ? { type: row.type, regionCode: row.region_code } : null;
  }

  findNda(
    needId: string,
    userId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<NeedNdaEntity | null> {
    return em.findOne(NeedNdaEntity, { where: { needId, userId } });
  }

  /** Inserts the interest; null when the organization already expressed one for the need. */
  async insertInterest(
    em: EntityManager,
    interest: Omit<NeedInterestEntity, 'id'>,
  ): Promise<NeedInterestEntity | null> {
    const rows = await em.query<Array<{ id: string }>>(
      `INSERT INTO need_interests (need_id, organization_id, user_id, kind, message, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (need_id, organization_id) DO NOTHING RETURNING id`,
      [
        interest.needId,
        interest.organizationId,
        interest.userId,
        interest.kind,
        interest.message,
        interest.createdAt,
      ],
    );
    return rows.length ? em.findOne(NeedInterestEntity, { where: { id: rows[0].id } }) : null;
  }

  findInterest(em: EntityManager, needId: string, id: string): Promise<NeedInterestEntity | null> {
    return em.findOne(NeedInterestEntity, { where: { id, needId } });
  }

  interests(needId: string): Promise<NeedInterestEntity[]> {
    return this.dataSource.manager.find(NeedInterestEntity, {
      where: { needId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  saveIntroduction(em: EntityManager, introduction: NeedIntroductionEntity): Promise<NeedIntroductionEntity> {
    return em.save(introduction);
  }

  introductions(needId: string): Promise<NeedIntroductionEntity[]> {
    return this.dataSource.manager.find(NeedIntroductionEntity, {
      where: { needId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The introduction made from a need's match with a subject, if any (one per need and subject). */
  introductionOfSubject(
    em: EntityManager,
    needId: string,
    subjectKind: 'result' | 'team' | 'expert',
    subjectId: string,
  ): Promise<NeedIntroductionEntity | null> {
    return em.findOne(NeedIntroductionEntity, { where: { needId, subjectKind, subjectId } });
  }
}
