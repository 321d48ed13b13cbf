import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page, paginate } from '../../../common/pagination/pagination';
import { ListSessionsQueryDto } from './dto/session-input.dto';
import { ReviewSessionEntity } from './entities/review-session.entity';

/** What a session needs to know of its application: which challenge, whose, and where it stands. */
export interface SessionApplication {
  id: string;
  challengeId: string;
  leadOrganizationId: string;
  status: string;
}

/** Whose sessions of a challenge a caller sees: all of them, or those of one organization's applications. */
export type SessionListScope = { all: true } | { leadOrganizationId: string };

interface ApplicationRow {
  id: string;
  challenge_id: string;
  lead_organization_id: string;
  status: string;
}

const toApplication = (row: ApplicationRow | undefined): SessionApplication | null =>
  row
    ? {
        id: row.id,
        challengeId: row.challenge_id,
        leadOrganizationId: row.lead_organization_id,
        status: row.status,
      }
    : null;

@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ReviewSessionEntity | null> {
    return em.findOne(ReviewSessionEntity, { where: { id } });
  }

  /** The row locked FOR UPDATE until the transaction ends: every change goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ReviewSessionEntity | null> {
    return em.findOne(ReviewSessionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The application, without a lock: for deciding who sees a session. */
  async findApplication(
    applicationId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<SessionApplication | null> {
    const rows = await em.query<ApplicationRow[]>(
      `SELECT id, challenge_id, lead_organization_id, status FROM applications WHERE id = $1`,
      [applicationId],
    );
    return toApplication(rows[0]);
  }

  /**
   * The application locked FOR SHARE until the transaction ends: a review or selection moving it out of
   * review waits for the session being scheduled, and the session sees the application as it commits.
   */
  async findApplicationForShare(
    em: EntityManager,
    applicationId: string,
  ): Promise<SessionApplication | null> {
    const rows = await em.query<ApplicationRow[]>(
      `SELECT id, challenge_id, lead_organization_id, status FROM applications WHERE id = $1 FOR SHARE`,
      [applicationId],
    );
    return toApplication(rows[0]);
  }

  /** Whether the organization leads an application to the challenge: then it sees that application's sessions. */
  async organizationAppliesTo(challengeId: string, organizationId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<Array<{ applies: boolean }>>(
      `SELECT EXISTS(SELECT 1 FROM applications WHERE challenge_id = $1 AND lead_organization_id = $2) AS applies`,
      [challengeId, organizationId],
    );
    return row.applies;
  }

  /** A challenge's sessions in time order, earliest first, keyset paginated (ix_review_sessions_challenge). */
  listOfChallenge(
    challengeId: string,
    scope: SessionListScope,
    query: ListSessionsQueryDto,
  ): Promise<Page<ReviewSessionEntity>> {
    const qb = this.dataSource
      .getRepository(ReviewSessionEntity)
      .createQueryBuilder('s')
      .where('s.challenge_id = :challengeId', { challengeId });
    if ('leadOrganizationId' in scope) {
      qb.andWhere(
        `s.application_id IN (SELECT a.id FROM applications a
           WHERE a.challenge_id = :challengeId AND a.lead_organization_id = :leadOrganizationId)`,
        { leadOrganizationId: scope.leadOrganizationId },
      );
    }
    if (query.applicationId)
      qb.andWhere('s.application_id = :applicationId', { applicationId: query.applicationId });
    if (query.status?.length) qb.andWhere('s.status IN (:...statuses)', { statuses: query.status });
    return paginate(
      qb,
      [
        { expression: 's.scheduled_at', value: (s) => s.scheduledAt, cast: 'timestamptz' },
        { expression: 's.id', value: (s) => s.id, cast: 'uuid' },
      ],
      query,
      'ASC',
    );
  }
}
