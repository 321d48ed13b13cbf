import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { ProgramEntity } from './entities/program.entity';

@Injectable()
export class ProgramsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ProgramEntity | null> {
    return em.findOne(ProgramEntity, { where: { id } });
  }

  /** The row locked FOR UPDATE until the transaction ends. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ProgramEntity | null> {
    return em.findOne(ProgramEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  listNewestFirst(query: PageQueryDto & { year?: number }): Promise<Page<ProgramEntity>> {
    const qb = this.dataSource.getRepository(ProgramEntity).createQueryBuilder('p');
    if (query.year !== undefined) qb.andWhere('p.year = :year', { year: query.year });
    return paginate(qb, byCreation('p'), query);
  }
}
