import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { normalizeEmail } from '../users/email';
import { UsersRepository } from '../users/users.repository';
import { PASSWORD_RESET_EVENTS, PasswordResetIssuer } from './password-reset-issuer';

export const PASSWORD_RESET_REQUEST_AUDIT = 'auth.password_reset_requested';

/**
 * The worker's half of a reset request (ADR 0045): the API only recorded the request, the same
 * work for any address; here the address is looked up, and an enabled user gets a token and a
 * mail. An unknown or disabled address gets nothing but the audit row.
 */
@Injectable()
export class PasswordResetRequestHandler {
  constructor(
    private readonly users: UsersRepository,
    private readonly issuer: PasswordResetIssuer,
    private readonly audit: AuditService,
  ) {}

  @OnDomainEvent(PASSWORD_RESET_EVENTS.requested)
  async onRequested(event: DeliveredEvent, em: EntityManager): Promise<void> {
    const email = normalizeEmail(typeof event.data.email === 'string' ? event.data.email : '');
    const user = email ? await this.users.findByEmail(email, em) : null;
    const issued = !!user && user.enabled;
    await this.audit.record(em, {
      actor: { kind: 'anonymous', userId: user?.id },
      action: PASSWORD_RESET_REQUEST_AUDIT,
      objectType: user ? 'user' : 'login',
      objectId: user?.id ?? email,
      after: { email, issued },
    });
    if (user && issued) await this.issuer.issue(em, user, null);
  }
}
