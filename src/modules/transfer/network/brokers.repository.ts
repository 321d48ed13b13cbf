import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { BrokerProfileEntity } from './entities/broker-profile.entity';

/** Longest parent chain walked (a corrupt cycle stops there). */
const MAX_DEPTH = 32;

/** Broker profiles, and the service-centre tree they are scoped by (organizations' `parent`). */
@Injectable()
export class BrokersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<BrokerProfileEntity | null> {
    return em.findOne(BrokerProfileEntity, { where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<BrokerProfileEntity | null> {
    return em.findOne(BrokerProfileEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByUser(
    userId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<BrokerProfileEntity | null> {
    return em.findOne(BrokerProfileEntity, { where: { userId } });
  }

  save(em: EntityManager, profile: BrokerProfileEntity): Promise<BrokerProfileEntity> {
    return em.save(profile);
  }

  listNewestFirst(query: PageQueryDto): Promise<Page<BrokerProfileEntity>> {
    const qb = this.dataSource.getRepository(BrokerProfileEntity).createQueryBuilder('b');
    return paginate(qb, byCreation('b'), query);
  }

  /** The user's organization, its type and the user's roles (null: no such user). */
  async userAndOrganization(
    em: EntityManager,
    userId: string,
  ): Promise<{ organizationId: string; organizationType: string; roles: string[] } | null> {
    const [row] = await em.query<Array<{ organization_id: string; type: string; roles: string[] }>>(
      `SELECT u.organization_id, o.type::text AS type, u.roles
       FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
      [userId],
    );
    return row ? { organizationId: row.organization_id, organizationType: row.type, roles: row.roles } : null;
  }

  /**
   * The centre and every organization below it along `parent` (a recursive CTE): what a broker of
   * that centre sees. Bounded depth, so a corrupt cycle cannot loop.
   */
  async subtreeOf(em: EntityManager, centreId: string): Promise<string[]> {
    const rows = await em.query<Array<{ id: string }>>(
      `WITH RECURSIVE down(id, depth) AS (
         SELECT id, 0 FROM organizations WHERE id = $1
         UNION
         SELECT o.id, down.depth + 1 FROM organizations o JOIN down ON o.parent_organization_id = down.id
         WHERE down.depth < $2
       )
       SELECT DISTINCT id FROM down`,
      [centreId, MAX_DEPTH],
    );
    return rows.map((r) => r.id);
  }

  /** Whether `descendantId` is `centreId` or below it along `parent`. */
  async isWithin(em: EntityManager, centreId: string, descendantId: string): Promise<boolean> {
    const [row] = await em.query<Array<{ within: boolean }>>(
      `WITH RECURSIVE up(id, parent, depth) AS (
         SELECT id, parent_organization_id, 0 FROM organizations WHERE id = $2
         UNION ALL
         SELECT o.id, o.parent_organization_id, up.depth + 1
         FROM organizations o JOIN up ON o.id = up.parent WHERE up.depth < $3
       )
       SELECT EXISTS (SELECT 1 FROM up WHERE id = $1) AS within`,
      [centreId, descendantId, MAX_DEPTH],
    );
    return !!row?.within;
  }
}
