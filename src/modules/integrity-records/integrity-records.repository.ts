import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IntegrityRecordEntity } from './entities/integrity-record.entity';

@Injectable()
export class IntegrityRecordsRepository {
  /** The records of a person or of an organization, newest first. */
  findForSubjects(
    em: EntityManager,
    subjects: { userIds: string[]; organizationIds: string[] },
  ): Promise<IntegrityRecordEntity[]> {
    return em
      .createQueryBuilder(IntegrityRecordEntity, 'r')
      .where(
        `(r.subject_type = 'user' AND r.subject_id = ANY(:userIds)) OR (r.subject_type = 'organization' AND r.subject_id = ANY(:organizationIds))`,
        subjects,
      )
      .orderBy('r.recorded_at', 'DESC')
      .getMany();
  }
}
