import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { CategoryEntity } from './entities/category.entity';
import { IndustryChainEntity } from './entities/industry-chain.entity';
import { TaxonomyTerm } from './entities/taxonomy-term';

export type TaxonomyKind = 'industryChain' | 'category';

export const TAXONOMY_ENTITIES: Record<TaxonomyKind, new () => TaxonomyTerm> = {
  industryChain: IndustryChainEntity,
  category: CategoryEntity,
};

/** One repository for the taxonomy tables: they have the same shape and the same queries. */
@Injectable()
export class TaxonomyRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByCode(
    kind: TaxonomyKind,
    code: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<TaxonomyTerm | null> {
    return em.findOne(TAXONOMY_ENTITIES[kind], { where: { code } });
  }

  /** The row locked FOR UPDATE until the transaction ends. */
  findByCodeForUpdate(em: EntityManager, kind: TaxonomyKind, code: string): Promise<TaxonomyTerm | null> {
    return em.findOne(TAXONOMY_ENTITIES[kind], { where: { code }, lock: { mode: 'pessimistic_write' } });
  }

  existsWithCode(em: EntityManager, kind: TaxonomyKind, code: string): Promise<boolean> {
    return em.exists(TAXONOMY_ENTITIES[kind], { where: { code } });
  }

  /** The sort order that puts a new term after every existing one. */
  async nextSortOrder(em: EntityManager, kind: TaxonomyKind): Promise<number> {
    const row = await em
      .createQueryBuilder(TAXONOMY_ENTITIES[kind], 't')
      .select('COALESCE(MAX(t.sort_order), 0) + 10', 'next')
      .getRawOne<{ next: number }>();
    return Number(row?.next ?? 10);
  }

  listInOrder(
    kind: TaxonomyKind,
    query: PageQueryDto & { includeInactive?: boolean },
  ): Promise<Page<TaxonomyTerm>> {
    const qb = this.dataSource.getRepository(TAXONOMY_ENTITIES[kind]).createQueryBuilder('t');
    if (!query.includeInactive) qb.andWhere('t.active = true');
    return paginate(
      qb,
      [
        { expression: 't.sort_order', value: (t) => t.sortOrder, cast: 'bigint' },
        { expression: 't.code', value: (t) => t.code, cast: 'text' },
      ],
      query,
      'ASC',
    );
  }
}
