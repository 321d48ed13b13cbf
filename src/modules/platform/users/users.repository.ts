import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { pgQuery } from '../../../infra/database/pg-query';
import { normalizeEmail } from './email';
import { UserEntity } from './entities/user.entity';

/** What the access-token check needs of a user, read on every request. */
export type UserSessionState = Pick<
  UserEntity,
  'id' | 'organizationId' | 'roles' | 'enabled' | 'tokenVersion'
>;

/** The access-token check's read of the caller ($1 the user id); the bench's raw baseline sends it too. */
export const SESSION_STATE_SQL = `SELECT id, organization_id AS "organizationId", roles, enabled, token_version AS "tokenVersion"
  FROM users WHERE id = $1`;

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** On every authenticated request: one primary-key read straight on the pool (ADR 0057). */
  async findSessionState(id: string): Promise<UserSessionState | null> {
    const [row] = await pgQuery<UserSessionState>(this.dataSource, { text: SESSION_STATE_SQL, values: [id] });
    return row ?? null;
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

  /** The oldest holder of an administrative role (its organization is the platform's, ADR 43). */
  oldestAdministrator(em: EntityManager): Promise<UserEntity | null> {
    return em
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where(`u.roles && ARRAY['admin', 'security_admin', 'audit_admin']::text[]`)
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .getOne();
  }

  listNewestFirst(query: PageQueryDto & { organizationId?: string }): Promise<Page<UserEntity>> {
    const qb = this.dataSource.getRepository(UserEntity).createQueryBuilder('u');
    if (query.organizationId) qb.andWhere('u.organization_id = :org', { org: query.organizationId });
    return paginate(qb, byCreation('u'), query);
  }

  /** Raises the user's token_version: every access token issued before stops working (MFA reset). */
  async raiseTokenVersion(em: EntityManager, userId: string): Promise<void> {
    await em.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [userId]);
  }

  /** Sets the user's locale, moving the user's version on (its ETag) when it changes. */
  async setLocale(em: EntityManager, userId: string, locale: string, now: Date): Promise<void> {
    await em.query(
      `UPDATE users SET locale = $2, version = version + 1, updated_at = $3 WHERE id = $1 AND locale <> $2`,
      [userId, locale, now],
    );
  }
}
