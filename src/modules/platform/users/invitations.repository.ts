import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { InvitationEntity } from './entities/invitation.entity';

/** The invitation a claim took: what accepting it needs. */
export interface ClaimedInvitation {
  id: string;
  organizationId: string;
  email: string;
  displayName: string;
  roles: InvitationEntity['roles'];
  locale: string;
}

interface ClaimedRow {
  id: string;
  organization_id: string;
  email: string;
  display_name: string;
  roles: InvitationEntity['roles'];
  locale: string;
}

/** invitations, by intention. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(em: EntityManager, row: Omit<InvitationEntity, 'id'>): Promise<InvitationEntity> {
    return em.save(em.create(InvitationEntity, row));
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<InvitationEntity | null> {
    return em.findOne(InvitationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  listNewestFirst(query: PageQueryDto & { organizationId?: string }): Promise<Page<InvitationEntity>> {
    const qb = this.dataSource.getRepository(InvitationEntity).createQueryBuilder('i');
    if (query.organizationId) qb.andWhere('i.organization_id = :org', { org: query.organizationId });
    return paginate(qb, byCreation('i'), query);
  }

  /** Revokes the pending invitations of an address (a new one supersedes them). */
  async revokePendingFor(em: EntityManager, email: string, now: Date): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(InvitationEntity)
      .set({ revokedAt: now })
      .where('email = :email AND accepted_at IS NULL AND revoked_at IS NULL', { email })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Takes a live invitation by its token, atomically: of two concurrent acceptances exactly one
   * gets the row back (the conditional UPDATE holds the row lock; the other then matches nothing).
   */
  async claim(em: EntityManager, tokenHash: string, now: Date): Promise<ClaimedInvitation | null> {
    const [rows] = await em.query<[ClaimedRow[], number]>(
      `UPDATE invitations SET accepted_at = $2
       WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
       RETURNING id, organization_id, email, display_name, roles, locale`,
      [tokenHash, now],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      organizationId: row.organization_id,
      email: row.email,
      displayName: row.display_name,
      roles: row.roles,
      locale: row.locale,
    };
  }

  async setAcceptedUser(em: EntityManager, id: string, userId: string): Promise<void> {
    await em.update(InvitationEntity, { id }, { acceptedUserId: userId });
  }

  async revoke(em: EntityManager, id: string, now: Date): Promise<void> {
    await em.update(InvitationEntity, { id }, { revokedAt: now });
  }
}
