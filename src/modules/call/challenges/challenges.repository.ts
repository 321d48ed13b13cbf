import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { pgQuery } from '../../../infra/database/pg-query';
import { challengeDetailStatement, challengeTagStatement, ListStatement } from './challenge-reads.repository';
import type { DetailRow, SummaryRow, TagRow } from './challenge-reads.rows';
import { ChallengeAmendmentEntity } from './entities/challenge-amendment.entity';
import { AttachmentVisibility, ChallengeAttachmentEntity } from './entities/challenge-attachment.entity';
import { ChallengeConfidentialEntity } from './entities/challenge-confidential.entity';
import { ChallengeIndicatorEntity } from './entities/challenge-indicator.entity';
import { ChallengeNdaEntity } from './entities/challenge-nda.entity';
import { ChallengeEntity } from './entities/challenge.entity';

export {
  likeContains,
  regionPrefix,
  searchTerms,
  UNSUBMITTED_APPLICATION_STATUSES,
} from './challenge-reads.repository';
export type { ChallengeVisibility } from './challenge-reads.repository';

export interface IndicatorInput {
  id?: string;
  name: string;
  targetValue: string;
  unit: string;
  verificationMethod: string;
}

export interface AttachmentLink {
  attachmentId: string;
  visibility: AttachmentVisibility;
}

/** A challenge's attachment with the file's metadata. */
export interface LinkedAttachment extends AttachmentLink {
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

@Injectable()
export class ChallengesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id } });
  }

  /** The challenge with its program (`program` set unless the program is gone), in one statement. */
  findWithProgram(id: string): Promise<ChallengeEntity | null> {
    return this.dataSource
      .getRepository(ChallengeEntity)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.program', 'p')
      .where('c.id = :id', { id })
      .getOne();
  }

  /** The row locked FOR UPDATE until the transaction ends: every state change goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The row locked FOR SHARE: applications take it while they submit, so an amendment or the close job
   * (FOR UPDATE) waits for submissions in flight, and they for it.
   */
  findByIdForShare(em: EntityManager, id: string): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  indicators(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ChallengeIndicatorEntity[]> {
    return em.find(ChallengeIndicatorEntity, { where: { challengeId }, order: { position: 'ASC' } });
  }

  /**
   * Replaces the indicators: an input with the id of an existing indicator keeps that id (applications
   * refer to it); the rest are new. Unknown ids are the caller's error, checked before.
   */
  async replaceIndicators(
    em: EntityManager,
    challengeId: string,
    inputs: IndicatorInput[],
  ): Promise<ChallengeIndicatorEntity[]> {
    await em.delete(ChallengeIndicatorEntity, { challengeId });
    const rows = inputs.map((input, position) =>
      em.create(ChallengeIndicatorEntity, {
        ...(input.id ? { id: input.id } : {}),
        challengeId,
        position,
        name: input.name.trim(),
        targetValue: input.targetValue.trim(),
        unit: input.unit.trim(),
        verificationMethod: input.verificationMethod.trim(),
      }),
    );
    return em.save(rows);
  }

  async confidential(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ChallengeConfidentialEntity | null> {
    return em.findOne(ChallengeConfidentialEntity, { where: { challengeId } });
  }

  async saveConfidential(em: EntityManager, challengeId: string, details: string, now: Date): Promise<void> {
    await em.upsert(ChallengeConfidentialEntity, { challengeId, details, updatedAt: now }, ['challengeId']);
  }

  async attachments(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<LinkedAttachment[]> {
    const rows: Array<{
      attachment_id: string;
      visibility: AttachmentVisibility;
      filename: string;
      content_type: string;
      size_bytes: string;
      sha256: string;
    }> = await em.query(
      `SELECT ca.attachment_id, ca.visibility, a.filename, a.content_type, a.size_bytes, a.sha256
       FROM challenge_attachments ca JOIN attachments a ON a.id = ca.attachment_id
       WHERE ca.challenge_id = $1 ORDER BY ca.position`,
      [challengeId],
    );
    return rows.map((r) => ({
      attachmentId: r.attachment_id,
      visibility: r.visibility,
      filename: r.filename,
      contentType: r.content_type,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256,
    }));
  }

  async replaceAttachments(em: EntityManager, challengeId: string, links: AttachmentLink[]): Promise<void> {
    await em.delete(ChallengeAttachmentEntity, { challengeId });
    if (!links.length) return;
    await em.insert(
      ChallengeAttachmentEntity,
      links.map((link, position) => ({ challengeId, ...link, position })),
    );
  }

  /**
   * The next number of `year`, inside the approving transaction: the counter row stays locked
   * until commit, so concurrent approvals queue and a rollback returns the number.
   */
  async nextCodeNumber(em: EntityManager, year: number): Promise<number> {
    const [row] = await em.query<Array<{ last_value: number }>>(
      `INSERT INTO challenge_code_counters (year, last_value) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_value = challenge_code_counters.last_value + 1
       RETURNING last_value`,
      [year],
    );
    return row.last_value;
  }

  amendments(challengeId: string, after: number, limit: number): Promise<ChallengeAmendmentEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(ChallengeAmendmentEntity, 'a')
      .where('a.challenge_id = :challengeId AND a.number > :after', { challengeId, after })
      .orderBy('a.number', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  async amendmentCount(challengeId: string, em: EntityManager = this.dataSource.manager): Promise<number> {
    return em.count(ChallengeAmendmentEntity, { where: { challengeId } });
  }

  findNda(challengeId: string, userId: string, em: EntityManager = this.dataSource.manager) {
    return em.findOne(ChallengeNdaEntity, { where: { challengeId, userId } });
  }

  async addWatcher(em: EntityManager, challengeId: string, userId: string, now: Date): Promise<void> {
    await em.query(
      `INSERT INTO challenge_watchers (challenge_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [challengeId, userId, now],
    );
  }

  async removeWatcher(em: EntityManager, challengeId: string, userId: string): Promise<void> {
    await em.query(`DELETE FROM challenge_watchers WHERE challenge_id = $1 AND user_id = $2`, [
      challengeId,
      userId,
    ]);
  }

  /** Writes a status change made on the locked row: status, reason, version and time. */
  async saveStatus(em: EntityManager, challenge: ChallengeEntity): Promise<void> {
    await em.update(
      ChallengeEntity,
      { id: challenge.id },
      {
        status: challenge.status,
        statusReason: challenge.statusReason,
        version: challenge.version,
        updatedAt: challenge.updatedAt,
      },
    );
  }

  async setSearchText(em: EntityManager, challengeId: string, searchText: string): Promise<void> {
    await em.update(ChallengeEntity, { id: challengeId }, { searchText });
  }

  /**
   * `GET /challenges`: one statement (challenge-reads.repository.ts), its rows as pg reads them; on
   * `source`, a read replica for anonymous public listings (ADR 0065), else the primary.
   */
  listRows(statement: ListStatement, source: DataSource = this.dataSource): Promise<SummaryRow[]> {
    return pgQuery<SummaryRow>(source, statement);
  }

  /** `GET /challenges/{id}`: one statement with indicators, attachments and counts, or undefined. */
  async detailRow(id: string, now: Date): Promise<DetailRow | undefined> {
    const [row] = await pgQuery<DetailRow>(this.dataSource, challengeDetailStatement(id, now));
    return row;
  }

  /** What the detail's ETag depends on, in one small statement, or undefined. */
  async tagRow(id: string, now: Date): Promise<TagRow | undefined> {
    const [row] = await pgQuery<TagRow>(this.dataSource, challengeTagStatement(id, now));
    return row;
  }
}
