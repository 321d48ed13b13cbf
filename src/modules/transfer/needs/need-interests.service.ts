import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { ExpressInterestDto, IntroduceDto } from './dto/need-input.dto';
import { NeedInterestResponseDto, NeedIntroductionResponseDto } from './dto/need-response.dto';
import { NeedIntroductionEntity } from './entities/need-introduction.entity';
import type { NeedEntity } from './entities/need.entity';
import { NeedAccess } from './need-access.service';
import { NEED_AUDIT, NEED_ENTITY, NEED_EVENTS } from './need-events';
import { NeedLifecycle } from './need-lifecycle.service';
import { NeedOutbox } from './need-outbox';
import { toInterestResponse, toIntroductionResponse } from './need.mappers';
import { NeedsRepository } from './needs.repository';
import { NEED_MACHINE } from './needs-status';

/** Who an introduction introduces to the enterprise: an interested organization, or a matched subject. */
export interface IntroducedParty {
  interestId: string | null;
  subject: { kind: 'result' | 'team' | 'expert'; id: string } | null;
  /** The organization told with the enterprise (an interest's, a result holder, a team's lead). */
  organizationId: string | null;
  /** A person told (an introduced expert: told alone, never their organization). */
  userId?: string | null;
}

/**
 * Expressions of interest in a public need (a team, a results holder), which the need's brokers
 * see, and the introductions a broker records between an interested party and the enterprise.
 */
@Injectable()
export class NeedInterestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly access: NeedAccess,
    private readonly lifecycle: NeedLifecycle,
    private readonly events: NeedOutbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async express(actor: Principal, id: string, dto: ExpressInterestDto): Promise<NeedInterestResponseDto> {
    const user = requireUser(actor);
    if (!hasRole(actor, 'applicant')) {
      throw new DomainError(
        'FORBIDDEN',
        'Interest is expressed by a team or a results holder (applicant role)',
      );
    }
    return this.dataSource.transaction(async (em) => {
      const need = await this.needs.findById(id, em);
      await this.access.requireView(em, actor, need);
      if (this.access.isEnterprise(actor, need!)) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          'An enterprise does not express interest in its own need',
        );
      }
      NEED_MACHINE.assert(need!.status, 'express_interest');
      const interest = await this.needs.insertInterest(em, {
        needId: id,
        organizationId: user.organizationId,
        userId: user.userId,
        kind: dto.kind,
        message: dto.message,
        createdAt: this.clock.now(),
      });
      if (!interest)
        throw new DomainError('ALREADY_EXISTS', 'Your organization already expressed interest in this need');
      await this.audit.record(em, {
        actor,
        action: NEED_AUDIT.interestExpressed,
        objectType: NEED_ENTITY,
        objectId: id,
        after: { interestId: interest.id, organizationId: interest.organizationId, kind: interest.kind },
      });
      await this.events.publish(em, NEED_EVENTS.interestExpressed, need!, {
        interestId: interest.id,
        interestedOrganizationId: interest.organizationId,
        kind: interest.kind,
      });
      return toInterestResponse(interest);
    });
  }

  /** The brokers covering the need and admins. */
  async listInterests(actor: Principal, id: string): Promise<NeedInterestResponseDto[]> {
    await this.requireBrokerView(actor, id);
    return (await this.needs.interests(id)).map(toInterestResponse);
  }

  /** The need's full readers (the enterprise, its brokers, admins). */
  async listIntroductions(actor: Principal, id: string): Promise<NeedIntroductionResponseDto[]> {
    const em = this.dataSource.manager;
    const need = await this.needs.findById(id, em);
    if ((await this.access.requireView(em, actor, need)) !== 'full') throw DomainError.notFound('Need');
    return (await this.needs.introductions(id)).map((i) => toIntroductionResponse(i, need!.status));
  }

  /** The claiming broker introduces an interested party to the enterprise; optionally the need is matched. */
  async introduce(actor: Principal, id: string, dto: IntroduceDto): Promise<NeedIntroductionResponseDto> {
    return this.dataSource.transaction(async (em) => {
      const need = await this.lockForIntroduction(em, actor, id);
      const interest = await this.needs.findInterest(em, id, dto.interestId);
      if (!interest)
        throw DomainError.validation([{ field: 'interestId', message: 'not an interest in this need' }]);
      return this.recordIntroduction(
        em,
        actor,
        need,
        { interestId: interest.id, subject: null, organizationId: interest.organizationId },
        dto,
      );
    });
  }

  /**
   * In the caller's transaction: the need locked for an introduction by the broker who claimed it
   * (or an admin); 404 for a need the caller may not work on, 409 in a state that takes none.
   */
  async lockForIntroduction(em: EntityManager, actor: Principal, id: string): Promise<NeedEntity> {
    const work = await this.access.requireBrokerWork(
      em,
      actor,
      await this.needs.findByIdForUpdate(em, id),
      'introduce',
    );
    return work.need;
  }

  /**
   * Records an introduction of `party` to the need's enterprise (the need locked by
   * lockForIntroduction), audited and told to both through `introduction.made`; with `markMatched`
   * the need becomes matched. The one path of every introduction, from an interest or a match.
   */
  async recordIntroduction(
    em: EntityManager,
    actor: Principal,
    need: NeedEntity,
    party: IntroducedParty,
    dto: { note: string; markMatched?: boolean },
  ): Promise<NeedIntroductionResponseDto> {
    const user = requireUser(actor);
    if (dto.markMatched && !NEED_MACHINE.can(need.status, 'match'))
      throw DomainError.invalidTransition(need.status, 'match');
    const introduction = await this.needs.saveIntroduction(
      em,
      em.create(NeedIntroductionEntity, {
        needId: need.id,
        interestId: party.interestId,
        subjectKind: party.subject?.kind ?? null,
        subjectId: party.subject?.id ?? null,
        brokerUserId: user.userId,
        note: dto.note,
        createdAt: this.clock.now(),
      }),
    );
    const told = {
      introductionId: introduction.id,
      interestId: party.interestId,
      interestedOrganizationId: party.organizationId,
      ...(party.subject ? { subjectKind: party.subject.kind, subjectId: party.subject.id } : {}),
      ...(party.userId ? { introducedUserId: party.userId } : {}),
    };
    await this.audit.record(em, {
      actor,
      action: NEED_AUDIT.introduce,
      objectType: NEED_ENTITY,
      objectId: need.id,
      after: told,
    });
    if (dto.markMatched) {
      await this.lifecycle.move(em, actor, need, 'match');
      await this.events.publish(em, NEED_EVENTS.matched, need);
    }
    await this.events.publish(em, NEED_EVENTS.introductionMade, need, told);
    return toIntroductionResponse(introduction, need.status);
  }

  private async requireBrokerView(actor: Principal, id: string): Promise<void> {
    const em = this.dataSource.manager;
    const need = await this.needs.findById(id, em);
    const view = await this.access.requireView(em, actor, need);
    if (view !== 'full') throw DomainError.notFound('Need');
    if (this.access.isEnterprise(actor, need!)) {
      throw new DomainError(
        'FORBIDDEN',
        'The brokers see the interests; the enterprise sees the introductions',
      );
    }
  }
}
