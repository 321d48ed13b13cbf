import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { hasRole, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { CentreScope } from '../network/centre-scope.service';
import { FileNeedDto } from './dto/need-input.dto';
import { NeedResponseDto } from './dto/need-response.dto';
import { NeedEntity } from './entities/need.entity';
import { NeedAccess } from './need-access.service';
import { NEED_EVENTS } from './need-events';
import { NeedLifecycle } from './need-lifecycle.service';
import { NeedOutbox } from './need-outbox';
import { NeedQueriesService } from './need-queries.service';
import { NeedSchedule } from './need-schedule';
import { NeedsRepository } from './needs.repository';
import { NEED_MACHINE } from './needs-status';

/** The organization types whose users file needs. */
const FILING_TYPES = new Set(['enterprise']);

/**
 * The enterprise's side of a need: filing it (routed at once to a service centre), filing a
 * returned one again, and renewing it before or after expiry.
 */
@Injectable()
export class NeedFilingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly scope: CentreScope,
    private readonly access: NeedAccess,
    private readonly lifecycle: NeedLifecycle,
    private readonly schedule: NeedSchedule,
    private readonly events: NeedOutbox,
    private readonly queries: NeedQueriesService,
    private readonly clock: Clock,
  ) {}

  async file(actor: Principal, dto: FileNeedDto): Promise<NeedResponseDto> {
    const user = requireUser(actor);
    if (dto.budgetMinFen > dto.budgetMaxFen) {
      throw DomainError.validation([
        { field: 'budgetMinFen', message: 'budgetMinFen must not exceed budgetMaxFen' },
      ]);
    }
    const id = await this.dataSource.transaction(async (em) => {
      const organization = await this.needs.organizationType(em, user.organizationId);
      if (!organization || !FILING_TYPES.has(organization.type)) {
        throw new DomainError('FORBIDDEN', 'Needs are filed by the users of an enterprise organization');
      }
      await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const now = this.clock.now();
      const need = em.create(NeedEntity, {
        enterpriseOrganizationId: user.organizationId,
        filedBy: user.userId,
        title: dto.title.trim(),
        publicSummary: dto.publicSummary,
        confidentialDetails: dto.confidentialDetails ?? '',
        industryChainCode: dto.industryChain,
        regionCode: organization.regionCode,
        desiredOutcome: dto.desiredOutcome,
        budgetMinFen: dto.budgetMinFen,
        budgetMaxFen: dto.budgetMaxFen,
        deadlineWish: dto.deadlineWish ?? null,
        anonymous: dto.anonymous ?? true,
        status: NEED_MACHINE.initial('file'),
        statusBeforeExpiry: null,
        statusReason: null,
        centreOrganizationId: null,
        brokerUserId: null,
        claimedAt: null,
        diagnosisProblem: null,
        trlNeeded: null,
        indicators: [],
        diagnosedAt: null,
        refinedAt: null,
        challengeId: null,
        expiresAt: this.lifecycle.expiryFrom(now),
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      const saved = await this.needs.save(em, need);
      delete saved.confidentialDetails;
      await this.lifecycle.recordFiling(em, actor, saved);
      await this.events.publish(em, NEED_EVENTS.filed, saved);
      await this.route(em, saved);
      await this.schedule.scheduleExpiry(em, saved);
      return saved.id;
    });
    return this.queries.get(actor, id);
  }

  /** A returned need filed again: routed again, a fresh expiry. */
  async resubmit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<NeedResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const need = await this.lockOwn(em, actor, id, expectedVersion);
      const now = this.clock.now();
      await this.lifecycle.move(em, actor, need, 'resubmit', {
        statusReason: null,
        brokerUserId: null,
        claimedAt: null,
        expiresAt: this.lifecycle.expiryFrom(now),
      });
      await this.events.publish(em, NEED_EVENTS.filed, need);
      await this.route(em, need);
      await this.schedule.scheduleExpiry(em, need);
    });
    return this.queries.get(actor, id);
  }

  /** Renewal by the enterprise or its broker: a new expiresAt; an expired need returns to its status. */
  async renew(actor: Principal, id: string, expectedVersion: number | undefined): Promise<NeedResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const need = await this.needs.findByIdForUpdate(em, id);
      const view = need ? await this.access.viewOf(em, actor, need) : null;
      if (!need || view !== 'full') throw DomainError.notFound('Need');
      assertVersion(need.version, expectedVersion);
      const now = this.clock.now();
      await this.lifecycle.move(em, actor, need, 'renew', {
        statusBeforeExpiry: null,
        expiresAt: this.lifecycle.expiryFrom(now),
      });
      await this.schedule.scheduleExpiry(em, need);
      await this.events.publish(em, NEED_EVENTS.renewed, need);
    });
    return this.queries.get(actor, id);
  }

  /** Routes the need to a centre (most specific route, else the provincial root) and tells it. */
  private async route(em: EntityManager, need: NeedEntity): Promise<void> {
    const centre = await this.scope.route(em, need.regionCode, need.industryChainCode);
    need.centreOrganizationId = centre;
    await this.needs.save(em, need);
    if (centre) await this.events.publish(em, NEED_EVENTS.routed, need);
  }

  private async lockOwn(
    em: EntityManager,
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<NeedEntity> {
    const need = await this.needs.findByIdForUpdate(em, id);
    if (!need || !this.access.isEnterprise(actor, need) || !hasRole(actor, 'issuer', 'applicant')) {
      throw DomainError.notFound('Need');
    }
    assertVersion(need.version, expectedVersion);
    return need;
  }
}
