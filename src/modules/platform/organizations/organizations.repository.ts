import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { OrganizationEntity, OrganizationType } from './entities/organization.entity';

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<OrganizationEntity | null> {
    return em.findOne(OrganizationEntity, { where: { id } });
  }

  /** The row locked FOR UPDATE until the transaction ends. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<OrganizationEntity | null> {
    return em.findOne(OrganizationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  existsById(em: EntityManager, id: string): Promise<boolean> {
    return em.exists(OrganizationEntity, { where: { id } });
  }

  findByName(em: EntityManager, name: string): Promise<OrganizationEntity | null> {
    return em.findOne(OrganizationEntity, { where: { name } });
  }

  async existsWithCreditCode(em: EntityManager, creditCode: string): Promise<boolean> {
    return em.exists(OrganizationEntity, { where: { creditCode } });
  }

  /** The ancestors' ids of an organization, nearest first (bounded, to stop on a corrupt cycle). */
  async ancestorIds(em: EntityManager, id: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(
      `WITH RECURSIVE up(id, parent, depth) AS (
         SELECT id, parent_organization_id, 0 FROM organizations WHERE id = $1
         UNION ALL
         SELECT o.id, o.parent_organization_id, up.depth + 1
         FROM organizations o JOIN up ON o.id = up.parent WHERE up.depth < 32
       )
       SELECT id FROM up WHERE depth > 0 ORDER BY depth`,
      [id],
    );
    return rows.map((r) => r.id);
  }

  listNewestFirst(query: PageQueryDto & { type?: OrganizationType }): Promise<Page<OrganizationEntity>> {
    const qb = this.dataSource.getRepository(OrganizationEntity).createQueryBuilder('o');
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    return paginate(qb, byCreation('o'), query);
  }
}
