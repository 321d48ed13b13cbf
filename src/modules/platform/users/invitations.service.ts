import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser, UserPrincipal } from '../../../common/auth/principal';
import { sealSecret } from '../../../common/auth/sealed-secrets';
import { randomSecret, sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { mapPage, Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OutboxService } from '../../../infra/events/outbox.service';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import {
  CreateInvitationDto,
  InvitationResponseDto,
  ListInvitationsQueryDto,
  toInvitationResponse,
} from './dto/invitation.dto';
import { normalizeEmail } from './email';
import type { InvitationEntity } from './entities/invitation.entity';
import type { UserEntity } from './entities/user.entity';
import { InvitationsRepository } from './invitations.repository';
import {
  assertGrantable,
  assertManagesOrganization,
  isAccountAdmin,
  managesOrganization,
} from './user-management-policy';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Invitation links carry this prefix, so a leaked one is recognisable (like jbr_ refresh tokens). */
const INVITATION_TOKEN_PREFIX = 'jbi_';
const DAY_MS = 86_400_000;

export const INVITATION_EVENTS = {
  /** Carries the link's secret, sealed, to the mail module; nothing else subscribes to it. */
  issued: 'invitation.issued',
} as const;

export const INVITATION_AUDIT = {
  created: 'invitation.created',
  revoked: 'invitation.revoked',
  accepted: 'invitation.accepted',
} as const;

/**
 * Invitations by e-mail link (ADR 0045): a security administrator invites into any organization,
 * a user manager into its own with the organization's roles; the invitee sets their own password
 * when accepting, which creates the user.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly invitations: InvitationsRepository,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async create(actor: Principal, dto: CreateInvitationDto): Promise<InvitationResponseDto> {
    const inviter = requireUser(actor);
    const organizationId = dto.organizationId ?? inviter.organizationId;
    assertManagesOrganization(inviter, organizationId);
    assertGrantable(inviter, dto.roles);
    const email = normalizeEmail(dto.email);
    const invitation = await this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.findById(organizationId, em);
      if (!organization) throw DomainError.notFound('Organization');
      await this.usersService.assertGrantableInTransaction(em, inviter, organizationId, dto.roles);
      if (await this.users.findByEmail(email, em)) {
        throw new DomainError('ALREADY_EXISTS', 'A user with this email already exists', {
          errors: [{ field: 'email', message: 'email is already registered' }],
        });
      }
      const now = this.clock.now();
      await this.invitations.revokePendingFor(em, email, now);
      const token = `${INVITATION_TOKEN_PREFIX}${randomSecret(32)}`;
      const row = await this.invitations.insert(em, {
        organizationId,
        email,
        displayName: dto.displayName.trim(),
        roles: [...new Set(dto.roles)],
        locale: dto.locale ?? 'zh-CN',
        tokenHash: sha256Hex(token),
        invitedBy: inviter.userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.config.INVITATION_TTL_DAYS * DAY_MS),
        acceptedAt: null,
        acceptedUserId: null,
        revokedAt: null,
      });
      await this.recordCreated(em, inviter, row.id, { organizationId, email, roles: row.roles });
      await this.publishIssued(em, row, organization.name, inviter.userId, token);
      return row;
    });
    return toInvitationResponse(invitation, this.clock.now());
  }

  async list(actor: Principal, query: ListInvitationsQueryDto): Promise<Page<InvitationResponseDto>> {
    const caller = requireUser(actor);
    let organizationId = query.organizationId;
    if (!isAccountAdmin(caller)) {
      if (organizationId) assertManagesOrganization(caller, organizationId);
      organizationId = caller.organizationId;
    }
    const page = await this.invitations.listNewestFirst({ ...query, organizationId });
    const now = this.clock.now();
    return mapPage(page, (row) => toInvitationResponse(row, now));
  }

  /** Revokes a pending invitation; revoking one already revoked or expired changes nothing. */
  async revoke(actor: Principal, id: string): Promise<void> {
    const caller = requireUser(actor);
    await this.dataSource.transaction(async (em) => {
      const row = await this.invitations.findByIdForUpdate(em, id);
      if (!row || !managesOrganization(caller, row.organizationId)) throw DomainError.notFound('Invitation');
      if (row.acceptedAt) {
        throw new DomainError('CONFLICT', 'The invitation was accepted: disable the user instead');
      }
      if (row.revokedAt) return;
      await this.invitations.revoke(em, id, this.clock.now());
      await this.audit.record(em, {
        actor: caller,
        action: INVITATION_AUDIT.revoked,
        objectType: 'invitation',
        objectId: id,
        after: { organizationId: row.organizationId, email: row.email },
      });
    });
  }

  /**
   * Accepts an invitation inside the caller's transaction (the auth module signs the new user in
   * in the same one): claims the token once, creates the user with the invited roles and the
   * invitee's password. 400 ONE_TIME_TOKEN_INVALID for an unknown, used, revoked or expired token;
   * 409 ALREADY_EXISTS when the address became a user meanwhile.
   */
  async acceptInTransaction(em: EntityManager, token: string, password: string): Promise<UserEntity> {
    const claimed = await this.invitations.claim(em, sha256Hex(token), this.clock.now());
    if (!claimed) {
      throw new DomainError('ONE_TIME_TOKEN_INVALID', 'The invitation is not valid; ask for a new one');
    }
    // The roles were granted by the inviter, checked when the invitation was made (create above);
    // the system creates the user on that grant, and the same rules run again.
    const user = await this.usersService.createInTransaction(
      em,
      { kind: 'system' },
      {
        organizationId: claimed.organizationId,
        email: claimed.email,
        displayName: claimed.displayName,
        password,
        roles: claimed.roles,
        locale: claimed.locale,
      },
    );
    await this.invitations.setAcceptedUser(em, claimed.id, user.id);
    await this.audit.record(em, {
      actor: { kind: 'user', userId: user.id, organizationId: user.organizationId, roles: user.roles },
      action: INVITATION_AUDIT.accepted,
      objectType: 'invitation',
      objectId: claimed.id,
      after: { userId: user.id, organizationId: user.organizationId, roles: [...user.roles] },
    });
    return user;
  }

  /** The mail's event: the link's secret sealed, so the outbox row holds no usable link. */
  private async publishIssued(
    em: EntityManager,
    row: InvitationEntity,
    organizationName: string,
    inviterId: string,
    token: string,
  ): Promise<void> {
    const inviter = await this.users.findById(inviterId, em);
    await this.outbox.publish(em, {
      type: INVITATION_EVENTS.issued,
      aggregateType: 'invitation',
      aggregateId: row.id,
      data: {
        invitationId: row.id,
        email: row.email,
        displayName: row.displayName,
        locale: row.locale,
        organizationName,
        roles: [...row.roles],
        inviterName: inviter?.displayName ?? '',
        sealedToken: sealSecret(this.config.JWT_ACCESS_SECRET, token),
        expiresAt: row.expiresAt.toISOString(),
      },
    });
  }

  private recordCreated(
    em: EntityManager,
    actor: UserPrincipal,
    id: string,
    after: { organizationId: string; email: string; roles: string[] },
  ): Promise<void> {
    return this.audit.record(em, {
      actor,
      action: INVITATION_AUDIT.created,
      objectType: 'invitation',
      objectId: id,
      after: { ...after, roles: [...after.roles] },
    });
  }
}
