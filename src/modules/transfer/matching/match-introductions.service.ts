import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasRole, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import type { NeedIntroductionResponseDto } from '../needs/dto/need-response.dto';
import { NeedAccess } from '../needs/need-access.service';
import { NeedInterestsService } from '../needs/need-interests.service';
import { toIntroductionResponse } from '../needs/need.mappers';
import { NeedsRepository } from '../needs/needs.repository';
import type { IntroduceMatchDto } from './dto/match.dto';
import { MatchLabelEntity } from './entities/match-label.entity';
import { MatchSubjects } from './match-subjects';
import type { NeedMatchKind } from './matching.constants';

/**
 * Introductions from an accepted match (TRANSFER.md "Matching", ADR 0060 "Wiring"): the broker
 * who claimed the need introduces a subject whose match they accepted — a result's holder, a
 * team's lead organization, an expert — through the same path as an introduction from an interest
 * (NeedInterestsService.recordIntroduction: recorded, audited, `introduction.made` to both). One
 * per need and subject: asking again answers the introduction made, and nothing is told twice.
 */
@Injectable()
export class MatchIntroductionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly access: NeedAccess,
    private readonly interests: NeedInterestsService,
    private readonly subjects: MatchSubjects,
  ) {}

  async introduce(
    actor: Principal,
    needId: string,
    kind: NeedMatchKind,
    subjectId: string,
    dto: IntroduceMatchDto,
  ): Promise<{ introduction: NeedIntroductionResponseDto; created: boolean }> {
    return this.dataSource.transaction(async (em) => {
      const need = await this.needs.findByIdForUpdate(em, needId);
      if (!need || (await this.access.viewOf(em, actor, need)) !== 'full') throw DomainError.notFound('Need');
      if (!hasRole(actor, 'broker', 'admin') || this.access.isEnterprise(actor, need)) {
        throw new DomainError('FORBIDDEN', 'Only the broker who claimed the need introduces its matches');
      }
      const made = await this.needs.introductionOfSubject(em, needId, kind, subjectId);
      if (made) return { introduction: toIntroductionResponse(made, need.status), created: false };
      const locked = await this.interests.lockForIntroduction(em, actor, needId);
      const party = await this.subjects.party(em, kind, subjectId);
      const label = await em.findOne(MatchLabelEntity, { where: { needId, subjectKind: kind, subjectId } });
      if (label?.verdict !== 'accept') {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          label
            ? 'This match was rejected: label it accept before introducing'
            : 'Accept this match first (POST …/label with verdict accept)',
          { extra: { verdict: label?.verdict ?? null } },
        );
      }
      const introduction = await this.interests.recordIntroduction(em, actor, locked, party, dto);
      return { introduction, created: true };
    });
  }
}
