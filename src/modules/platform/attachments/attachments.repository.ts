import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AttachmentEntity } from './entities/attachment.entity';

@Injectable()
export class AttachmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<AttachmentEntity | null> {
    return em.findOne(AttachmentEntity, { where: { id } });
  }

  /** Those of `ids` that belong to the organization (any order; unknown and foreign ids are left out). */
  findManyOwnedBy(em: EntityManager, ids: string[], organizationId: string): Promise<AttachmentEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.find(AttachmentEntity, { where: { id: In(ids), organizationId } });
  }
}
