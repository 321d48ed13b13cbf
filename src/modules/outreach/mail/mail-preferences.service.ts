import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { UsersRepository } from '../../platform/users/users.repository';
import { MAIL_KINDS, MailLocale, mailLocaleOf } from './mail-templates';
import { MailRepository, PreferencesRow } from './mail.repository';

export const MAIL_AUDIT = { preferencesChanged: 'user.notification_preferences_changed' } as const;

export interface NotificationPreferences {
  locale: MailLocale;
  emailOptOuts: string[];
  emailKinds: string[];
  version: number;
  updatedAt: Date | null;
}

function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new DomainError('FORBIDDEN', 'Preferences belong to users');
  return principal.userId;
}

function view(row: PreferencesRow): NotificationPreferences {
  return {
    locale: mailLocaleOf(row.locale),
    // Kinds since removed from the mail table are not shown (and cannot be sent anyway).
    emailOptOuts: (row.email_opt_outs ?? []).filter((kind) => MAIL_KINDS.includes(kind)),
    emailKinds: [...MAIL_KINDS],
    version: row.version ?? 0,
    updatedAt: row.updated_at,
  };
}

/** The caller's e-mail language and opt-outs per event kind. */
@Injectable()
export class MailPreferencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MailRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(principal: Principal): Promise<NotificationPreferences> {
    const row = await this.repository.preferencesOf(this.dataSource.manager, userIdOf(principal));
    if (!row) throw DomainError.notFound('User');
    return view(row);
  }

  /**
   * Replaces the preferences (If-Match optional: a stale version is 409). The user row is locked,
   * so two changes at once apply one after the other. Sending what is already set changes nothing.
   */
  async replace(
    principal: Principal,
    input: { locale: MailLocale; emailOptOuts: string[] },
    expectedVersion: number | undefined,
  ): Promise<NotificationPreferences> {
    const userId = userIdOf(principal);
    return this.dataSource.transaction(async (em) => {
      const row = await this.repository.preferencesOf(em, userId, true);
      if (!row) throw DomainError.notFound('User');
      const before = view(row);
      assertVersion(before.version, expectedVersion);
      const optOuts = [...new Set(input.emailOptOuts)].sort();
      if (before.locale === input.locale && before.emailOptOuts.join() === optOuts.join()) return before;
      const now = this.clock.now();
      await this.repository.savePreferences(em, userId, optOuts, before.version + 1, now);
      await this.users.setLocale(em, userId, input.locale, now);
      await this.audit.record(em, {
        actor: principal,
        action: MAIL_AUDIT.preferencesChanged,
        objectType: 'user',
        objectId: userId,
        before: { locale: before.locale, emailOptOuts: before.emailOptOuts },
        after: { locale: input.locale, emailOptOuts: optOuts },
      });
      return {
        ...before,
        locale: input.locale,
        emailOptOuts: optOuts,
        version: before.version + 1,
        updatedAt: now,
      };
    });
  }
}
