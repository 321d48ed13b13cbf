import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page, paginate } from '../../../common/pagination/pagination';
import type { ListIntegrityRecordsQueryDto } from './dto/integrity-record.dto';
import { IntegrityRecordEntity } from './entities/integrity-record.entity';
import type { IntegritySubject } from './entities/integrity-record.entity';

export interface NewIntegrityRecord {
  subjectType: IntegritySubject;
  subjectId: string;
  reason: string;
  sourceType: string;
  sourceId: string | null;
  recordedAt: Date;
}

@Injectable()
export class IntegrityRecordsRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  /** Writes records in the caller's transaction (the caller audits them). */
  insert(em: EntityManager, records: NewIntegrityRecord[]): Promise<IntegrityRecordEntity[]> {
    return em.save(
      IntegrityRecordEntity,
      records.map((r) => em.create(IntegrityRecordEntity, r)),
    );
  }

  /** Newest first, keyset on (recorded_at, id); filters by subject. */
  list(query: ListIntegrityRecordsQueryDto): Promise<Page<IntegrityRecordEntity>> {
    const qb = this.dataSource.manager.createQueryBuilder(IntegrityRecordEntity, 'r');
    if (query.subjectType) qb.andWhere('r.subject_type = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) qb.andWhere('r.subject_id = :subjectId', { subjectId: query.subjectId });
    return paginate(
      qb,
      [
        { expression: 'r.recorded_at', value: (r) => r.recordedAt, cast: 'timestamptz' },
        { expression: 'r.id', value: (r) => r.id, cast: 'uuid' },
      ],
      query,
    );
  }
}
