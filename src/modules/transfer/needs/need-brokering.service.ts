import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { ChallengeAuthoringService } from '../../call/challenges/challenge-authoring.service';
import { DiagnoseNeedDto, NeedReasonDto, PromoteNeedDto, RefineNeedDto } from './dto/need-input.dto';
import { NeedResponseDto } from './dto/need-response.dto';
import type { NeedEntity } from './entities/need.entity';
import { NeedAccess } from './need-access.service';
import { NEED_EVENTS } from './need-events';
import { NeedLifecycle } from './need-lifecycle.service';
import { NeedOutbox } from './need-outbox';
import { NeedQueriesService } from './need-queries.service';
import { NeedsRepository } from './needs.repository';
import { NEED_MACHINE, NeedAction } from './needs-status';

/** The default category of a list promoted from a need (企业需求类). */
const PROMOTED_CATEGORY = 'enterprise_demand';

/**
 * The broker's work on a need: claim, diagnose, refine, return with a reason, mark long-term, and
 * promote a refined need to a draft challenge list of the enterprise (through the challenges
 * module's ChallengeAuthoringService, in the same transaction).
 */
@Injectable()
export class NeedBrokeringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly access: NeedAccess,
    private readonly lifecycle: NeedLifecycle,
    private readonly events: NeedOutbox,
    private readonly queries: NeedQueriesService,
    private readonly authoring: ChallengeAuthoringService,
    private readonly clock: Clock,
  ) {}

  claim(actor: Principal, id: string, version: number | undefined): Promise<NeedResponseDto> {
    return this.work(actor, id, 'claim', version, async (em, need) => {
      const user = requireUser(actor);
      await this.lifecycle.move(em, actor, need, 'claim', {
        brokerUserId: user.userId,
        claimedAt: this.clock.now(),
      });
      await this.events.publish(em, NEED_EVENTS.claimed, need);
    });
  }

  diagnose(
    actor: Principal,
    id: string,
    dto: DiagnoseNeedDto,
    version: number | undefined,
  ): Promise<NeedResponseDto> {
    return this.work(actor, id, 'diagnose', version, async (em, need) => {
      await this.lifecycle.move(em, actor, need, 'diagnose', {
        diagnosisProblem: dto.realProblem,
        trlNeeded: dto.trlNeeded,
        indicators: dto.indicators.map((i) => ({
          name: i.name.trim(),
          targetValue: i.targetValue,
          unit: i.unit,
          verificationMethod: i.verificationMethod,
        })),
        diagnosedAt: this.clock.now(),
      });
      await this.events.publish(em, NEED_EVENTS.diagnosed, need, { trlNeeded: dto.trlNeeded });
    });
  }

  refine(
    actor: Principal,
    id: string,
    dto: RefineNeedDto,
    version: number | undefined,
  ): Promise<NeedResponseDto> {
    return this.work(actor, id, 'refine', version, async (em, need) => {
      if (!need.diagnosedAt) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'Record a diagnosis before refining', {
          errors: [{ field: 'diagnosis', message: 'POST /needs/{id}/diagnosis first' }],
        });
      }
      await this.lifecycle.move(em, actor, need, 'refine', {
        title: dto.title?.trim() ?? need.title,
        publicSummary: dto.publicSummary ?? need.publicSummary,
        refinedAt: this.clock.now(),
      });
      await this.events.publish(em, NEED_EVENTS.refined, need);
    });
  }

  returnToEnterprise(
    actor: Principal,
    id: string,
    dto: NeedReasonDto,
    version: number | undefined,
  ): Promise<NeedResponseDto> {
    return this.work(actor, id, 'return', version, async (em, need) => {
      await this.lifecycle.move(em, actor, need, 'return', { statusReason: dto.reason });
      await this.events.publish(em, NEED_EVENTS.returned, need, { reason: dto.reason });
    });
  }

  markLongTerm(
    actor: Principal,
    id: string,
    dto: NeedReasonDto,
    version: number | undefined,
  ): Promise<NeedResponseDto> {
    return this.work(actor, id, 'mark_long_term', version, async (em, need) => {
      await this.lifecycle.move(em, actor, need, 'mark_long_term', { statusReason: dto.reason });
      await this.events.publish(em, NEED_EVENTS.longTerm, need);
    });
  }

  /**
   * A refined (or long-term) need becomes a draft challenge list of the enterprise's organization:
   * title, summaries, chain, indicators and the budget (total = budgetMaxFen) carried over, the
   * confidential details into the list's confidential part; linked both ways.
   */
  async promote(
    actor: Principal,
    id: string,
    dto: PromoteNeedDto,
    version: number | undefined,
  ): Promise<NeedResponseDto> {
    const user = requireUser(actor);
    await this.dataSource.transaction(async (em) => {
      const need = await this.lockForPromotion(em, actor, id, version);
      if (!need.indicators.length) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'A need without indicators cannot become a list', {
          errors: [{ field: 'diagnosis', message: 'the diagnosis names no indicator' }],
        });
      }
      const fiscalFen = dto.fiscalFen ?? 0;
      if (fiscalFen > need.budgetMaxFen) {
        throw DomainError.validation([
          { field: 'fiscalFen', message: 'fiscalFen must not exceed the budget (budgetMaxFen)' },
        ]);
      }
      const confidentialDetails = await this.needs.confidential(id);
      const challengeId = await this.authoring.createForNeed(
        em,
        user,
        need.enterpriseOrganizationId,
        {
          programId: dto.programId,
          title: need.title,
          category: dto.category ?? PROMOTED_CATEGORY,
          industryChain: need.industryChainCode,
          background: need.diagnosisProblem ?? need.publicSummary,
          publicSummary: need.publicSummary,
          confidentialDetails,
          indicators: need.indicators,
          expectedOutcomes: [{ kind: 'other', description: need.desiredOutcome }],
          totalFen: need.budgetMaxFen,
          fiscalFen,
          cofundingFen: need.budgetMaxFen - fiscalFen,
          durationMonths: dto.durationMonths,
          opensAt: dto.opensAt,
          closesAt: dto.closesAt,
          selectionMode: dto.selectionMode ?? 'single',
        },
        id,
      );
      await this.lifecycle.move(em, actor, need, 'promote', { challengeId });
      await this.events.publish(em, NEED_EVENTS.listed, need, { challengeId });
    });
    return this.queries.get(actor, id);
  }

  private async work(
    actor: Principal,
    id: string,
    action: NeedAction,
    expectedVersion: number | undefined,
    change: (em: EntityManager, need: NeedEntity) => Promise<void>,
  ): Promise<NeedResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { need } = await this.access.requireBrokerWork(
        em,
        actor,
        await this.needs.findByIdForUpdate(em, id),
        action,
      );
      assertVersion(need.version, expectedVersion);
      await change(em, need);
    });
    return this.queries.get(actor, id);
  }

  /** The claiming broker, an admin, or an issuer of the enterprise may promote. */
  private async lockForPromotion(
    em: EntityManager,
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<NeedEntity> {
    const need = await this.needs.findByIdForUpdate(em, id);
    if (need && this.access.isEnterprise(actor, need) && !isAdmin(actor)) {
      if (!hasRole(actor, 'issuer'))
        throw new DomainError('FORBIDDEN', 'An issuer of the enterprise promotes its need');
      NEED_MACHINE.assert(need.status, 'promote');
    } else {
      await this.access.requireBrokerWork(em, actor, need, 'promote');
    }
    assertVersion(need!.version, expectedVersion);
    return need!;
  }
}
