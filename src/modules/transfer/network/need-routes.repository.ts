import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { NeedRouteEntity } from './entities/need-route.entity';

/** The routing table (region + optional chain → service centre) and the provincial root centres. */
@Injectable()
export class NeedRoutesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<NeedRouteEntity | null> {
    return em.findOne(NeedRouteEntity, { where: { id } });
  }

  /** Inserts a row; false when the same region and chain already have one. */
  async insert(
    em: EntityManager,
    route: Omit<NeedRouteEntity, 'id' | 'centre'>,
  ): Promise<NeedRouteEntity | null> {
    const rows = await em.query<Array<{ id: string }>>(
      `INSERT INTO need_routes (region_code, industry_chain_code, centre_organization_id, version, created_at, updated_at)
       VALUES ($1, $2, $3, 1, $4, $4)
       ON CONFLICT (region_code, industry_chain_code) DO NOTHING RETURNING id`,
      [route.regionCode, route.industryChainCode, route.centreOrganizationId, route.createdAt],
    );
    return rows.length ? this.findById(rows[0].id, em) : null;
  }

  async delete(em: EntityManager, id: string): Promise<NeedRouteEntity | null> {
    const route = await this.findById(id, em);
    if (route) await em.delete(NeedRouteEntity, { id });
    return route;
  }

  listNewestFirst(query: PageQueryDto): Promise<Page<NeedRouteEntity>> {
    const qb = this.dataSource.getRepository(NeedRouteEntity).createQueryBuilder('r');
    return paginate(qb, byCreation('r'), query);
  }

  /**
   * The most specific row for a region and chain: the district's before the city's before the
   * province's, and at each level the chain's own row before the any-chain row.
   */
  async mostSpecific(em: EntityManager, regionCode: string, chain: string): Promise<string | null> {
    const city = `${regionCode.slice(0, 4)}00`;
    const province = `${regionCode.slice(0, 2)}0000`;
    const [row] = await em.query<Array<{ centre_organization_id: string }>>(
      `SELECT centre_organization_id FROM need_routes
       WHERE region_code = ANY($1::varchar[]) AND industry_chain_code IN ($2, '')
       ORDER BY CASE region_code WHEN $3 THEN 0 WHEN $4 THEN 1 ELSE 2 END,
                (industry_chain_code = '') ASC
       LIMIT 1`,
      [[regionCode, city, province], chain, regionCode, city],
    );
    return row?.centre_organization_id ?? null;
  }

  /**
   * The provincial root centre for a region: a service centre with no parent, of the region's
   * province if there is one, else the oldest root.
   */
  async rootCentre(em: EntityManager, regionCode: string): Promise<string | null> {
    const [row] = await em.query<Array<{ id: string }>>(
      `SELECT id FROM organizations
       WHERE type = 'service_center' AND parent_organization_id IS NULL
       ORDER BY (left(region_code, 2) = left($1, 2)) DESC, created_at, id
       LIMIT 1`,
      [regionCode],
    );
    return row?.id ?? null;
  }

  async isServiceCentre(em: EntityManager, organizationId: string): Promise<boolean> {
    const [row] = await em.query<Array<{ ok: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1 AND type = 'service_center') AS ok`,
      [organizationId],
    );
    return !!row?.ok;
  }
}
