import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { UserEntity } from './entities/user.entity';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByEmail(email: string, em: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { email: normalizeEmail(email) } });
  }

  async anyAdmin(em: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return em
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where(`u.roles @> ARRAY['admin']::text[]`)
      .orderBy('u.created_at', 'ASC')
      .getOne();
  }

  listNewestFirst(query: PageQueryDto & { organizationId?: string }): Promise<Page<UserEntity>> {
    const qb = this.dataSource.getRepository(UserEntity).createQueryBuilder('u');
    if (query.organizationId) qb.andWhere('u.organization_id = :org', { org: query.organizationId });
    return paginate(qb, byCreation('u'), query);
  }
}
