import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { ApiKeyEntity } from './entities/api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; only those of `organizationId` when it is given. */
  listNewestFirst(query: PageQueryDto, organizationId?: string): Promise<Page<ApiKeyEntity>> {
    const qb = this.dataSource.getRepository(ApiKeyEntity).createQueryBuilder('k');
    if (organizationId) qb.where('k.organization_id = :organizationId', { organizationId });
    return paginate(qb, byCreation('k'), query);
  }

  /** The row locked FOR UPDATE until the transaction ends. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ApiKeyEntity | null> {
    return em.findOne(ApiKeyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The key with this SHA-256, unless revoked. */
  findLiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOne({ where: { keyHash, revokedAt: IsNull() } });
  }

  /** Moves last_used_at forward to `now` (never backwards, when two requests race). */
  async touchLastUsed(id: string, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :now)', { id, now })
      .execute();
  }
}
