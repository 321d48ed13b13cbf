import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { KeysetColumn, Page, paginateWith } from '../../../common/pagination/pagination';
import {
  ApplicationParts,
  AttachmentRow,
  PART_COLUMNS,
  PART_SELECT,
  PartRow,
  partsOfRow,
} from './application-parts.repository';
import type { CommitmentInput, MilestoneInput } from './application-rules';
import { ApplicationStatus, LEADER_LOAD_STATUSES } from './application-status';
import {
  LockedSubmission,
  lockedSubmissionOf,
  SUBMISSION_LOCK_SQL,
  SUBMISSION_READ_SQL,
  SUBMISSION_UPDATE_SQL,
  SubmissionLockRow,
  SubmissionReadRow,
} from './application-submission.repository';
import { ListApplicationsQueryDto } from './dto/application-response.dto';
import {
  ApplicationAttachmentEntity,
  ApplicationCommitmentEntity,
  ApplicationMilestoneEntity,
} from './entities/application-parts.entity';
import { ApplicationEntity } from './entities/application.entity';

/** An application with the parts its answer shows, read in the same statement. */
export interface ApplicationWithParts {
  application: ApplicationEntity;
  parts: ApplicationParts;
}

@Injectable()
export class ApplicationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ApplicationEntity | null> {
    return em.findOne(ApplicationEntity, { where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<ApplicationEntity | null> {
    return em.findOne(ApplicationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Applications locked FOR UPDATE in id order (a fixed order: two transactions cannot deadlock). */
  lockByIds(em: EntityManager, ids: string[]): Promise<ApplicationEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.find(ApplicationEntity, {
      where: { id: In(ids) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Applications by id, in order of submission (then id); ids not found are left out. */
  findByIdsInSubmissionOrder(
    ids: readonly string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<ApplicationEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.find(ApplicationEntity, {
      where: { id: In([...ids]) },
      order: { submittedAt: 'ASC', id: 'ASC' },
    });
  }

  /** A challenge's applications in the given statuses, locked FOR UPDATE, in id order or in order of submission. */
  lockOfChallengeIn(
    em: EntityManager,
    challengeId: string,
    statuses: readonly ApplicationStatus[],
    order: 'id' | 'submission',
  ): Promise<ApplicationEntity[]> {
    return em.find(ApplicationEntity, {
      where: { challengeId, status: In([...statuses]) },
      order: order === 'id' ? { id: 'ASC' } : { submittedAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  commitments(applicationId: string, em: EntityManager = this.dataSource.manager) {
    return em.find(ApplicationCommitmentEntity, { where: { applicationId } });
  }

  milestones(applicationId: string, em: EntityManager = this.dataSource.manager) {
    return em.find(ApplicationMilestoneEntity, { where: { applicationId }, order: { position: 'ASC' } });
  }

  async attachments(
    applicationId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AttachmentRow[]> {
    const rows: Array<{
      attachment_id: string;
      filename: string;
      content_type: string;
      size_bytes: string;
      sha256: string;
    }> = await em.query(
      `SELECT aa.attachment_id, a.filename, a.content_type, a.size_bytes, a.sha256
         FROM application_attachments aa JOIN attachments a ON a.id = aa.attachment_id
         WHERE aa.application_id = $1 ORDER BY aa.position`,
      [applicationId],
    );
    return rows.map((r) => ({
      attachmentId: r.attachment_id,
      filename: r.filename,
      contentType: r.content_type,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256,
    }));
  }

  async replaceCommitments(em: EntityManager, applicationId: string, list: CommitmentInput[]): Promise<void> {
    await em.delete(ApplicationCommitmentEntity, { applicationId });
    if (list.length) {
      await em.insert(
        ApplicationCommitmentEntity,
        list.map((c) => ({
          applicationId,
          indicatorId: c.indicatorId,
          committedValue: c.committedValue.trim(),
        })),
      );
    }
  }

  async replaceMilestones(em: EntityManager, applicationId: string, list: MilestoneInput[]): Promise<void> {
    await em.delete(ApplicationMilestoneEntity, { applicationId });
    if (list.length) {
      await em.insert(
        ApplicationMilestoneEntity,
        list.map((m, position) => ({ applicationId, position, ...m, title: m.title.trim() })),
      );
    }
  }

  async replaceAttachments(em: EntityManager, applicationId: string, ids: string[]): Promise<void> {
    await em.delete(ApplicationAttachmentEntity, { applicationId });
    if (ids.length) {
      await em.insert(
        ApplicationAttachmentEntity,
        ids.map((attachmentId, position) => ({ applicationId, attachmentId, position })),
      );
    }
  }

  /**
   * Serialises the submissions of one leader until the transaction ends (an advisory lock on the
   * leader's id), so that N racing submissions cannot all see N−1 applications and all pass the limit.
   */
  async lockLeader(em: EntityManager, leaderUserId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('leader:' || $1, 0))`, [leaderUserId]);
  }

  /**
   * A submission's locks in one statement (application FOR UPDATE, challenge and team FOR SHARE, then the
   * leader's advisory lock): null when the organization has no such application (docs/adr/0055).
   */
  async lockForSubmission(
    em: EntityManager,
    id: string,
    organizationId: string,
  ): Promise<LockedSubmission | null> {
    const [row] = await em.query<SubmissionLockRow[]>(SUBMISSION_LOCK_SQL, [id, organizationId]);
    return row ? lockedSubmissionOf(row) : null;
  }

  /** What a submission checks and answers, read in one statement after its locks (docs/adr/0055). */
  async readForSubmission(em: EntityManager, locked: LockedSubmission): Promise<SubmissionReadRow> {
    const [row] = await em.query<SubmissionReadRow[]>(SUBMISSION_READ_SQL, [
      locked.application.id,
      locked.team.leaderUserId,
      LEADER_LOAD_STATUSES,
      locked.challenge.programId,
    ]);
    return row;
  }

  /** Writes a submitted application's status, leader, rule results, submittedAt, version and updatedAt. */
  async saveSubmitted(em: EntityManager, a: ApplicationEntity): Promise<void> {
    await em.query(SUBMISSION_UPDATE_SQL, [
      a.id,
      a.status,
      a.leaderUserId,
      JSON.stringify(a.ruleResults),
      a.submittedAt,
      a.version,
      a.updatedAt,
    ]);
  }

  /** The leader's other applications that are in play or won. */
  async leaderLoad(em: EntityManager, leaderUserId: string, exceptId: string): Promise<number> {
    const [row] = await em.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM applications
       WHERE leader_user_id = $1 AND id <> $2 AND status = ANY($3::application_status[])`,
      [leaderUserId, exceptId, LEADER_LOAD_STATUSES],
    );
    return row.n;
  }

  /** Applications of an organization's teams, newest first, with their parts: one statement. */
  listOfOrganization(
    organizationId: string,
    query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationWithParts>> {
    const qb = this.dataSource
      .getRepository(ApplicationEntity)
      .createQueryBuilder('a')
      .where('a.lead_organization_id = :organizationId', { organizationId });
    if (query.status?.length) qb.andWhere('a.status IN (:...statuses)', { statuses: query.status });
    const keyset: KeysetColumn<ApplicationWithParts>[] = [
      { expression: 'a.created_at', value: (r) => r.application.createdAt, cast: 'timestamptz' },
      { expression: 'a.id', value: (r) => r.application.id, cast: 'uuid' },
    ];
    return paginateWith(qb, keyset, query, 'DESC', withParts);
  }

  /** Applications on a challenge in the given statuses, in order of submission, with their parts: one statement. */
  listOfChallenge(
    challengeId: string,
    statuses: readonly ApplicationStatus[],
    query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationWithParts>> {
    const wanted = query.status?.length ? statuses.filter((s) => query.status?.includes(s)) : statuses;
    const qb = this.dataSource
      .getRepository(ApplicationEntity)
      .createQueryBuilder('a')
      .where('a.challenge_id = :challengeId', { challengeId })
      .andWhere('a.status = ANY(:statuses::application_status[])', { statuses: wanted });
    const keyset: KeysetColumn<ApplicationWithParts>[] = [
      { expression: 'a.submitted_at', value: (r) => r.application.submittedAt as Date, cast: 'timestamptz' },
      { expression: 'a.id', value: (r) => r.application.id, cast: 'uuid' },
    ];
    return paginateWith(qb, keyset, query, 'ASC', withParts);
  }

  /** The parts of applications by id, in one statement. */
  async partsOf(
    applicationIds: readonly string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, ApplicationParts>> {
    if (!applicationIds.length) return new Map();
    const rows: Array<PartRow & { id: string }> = await em.query(
      `SELECT a.id, ${PART_SELECT} FROM applications a WHERE a.id = ANY($1::uuid[])`,
      [applicationIds],
    );
    return new Map(rows.map((r) => [r.id, partsOfRow(r)]));
  }

  /** Team, lead organization and leader names of applications, in one query. */
  async applicantNames(
    applicationIds: string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, { teamName: string; organizationName: string; leaderName: string }>> {
    if (!applicationIds.length) return new Map();
    const rows: Array<{ id: string; team_name: string; organization_name: string; leader_name: string }> =
      await em.query(
        `SELECT a.id, t.name AS team_name, o.name AS organization_name, u.display_name AS leader_name
         FROM applications a
         JOIN teams t ON t.id = a.team_id
         JOIN organizations o ON o.id = a.lead_organization_id
         JOIN users u ON u.id = a.leader_user_id
         WHERE a.id = ANY($1::uuid[])`,
        [applicationIds],
      );
    return new Map(
      rows.map((r) => [
        r.id,
        { teamName: r.team_name, organizationName: r.organization_name, leaderName: r.leader_name },
      ]),
    );
  }
}

/** Reads a page's applications and their PART_COLUMNS in the one statement of the query builder. */
async function withParts(qb: SelectQueryBuilder<ApplicationEntity>): Promise<ApplicationWithParts[]> {
  for (const [sql, alias] of PART_COLUMNS) qb.addSelect(sql, alias);
  const { entities, raw } = await qb.getRawAndEntities<PartRow & { a_id: string }>();
  const parts = new Map(raw.map((r) => [r.a_id, partsOfRow(r)]));
  return entities.map((application) => ({ application, parts: parts.get(application.id) ?? noParts() }));
}

function noParts(): ApplicationParts {
  return { commitments: [], milestones: [], attachments: [], bidder: undefined };
}
