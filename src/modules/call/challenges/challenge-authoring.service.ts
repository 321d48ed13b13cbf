import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal, requireUser, UserPrincipal } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OrganizationsRepository } from '../../platform/organizations/organizations.repository';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { ProgramsService } from '../programs/programs.service';
import { ChallengeContent, eligibilityOf } from './challenge-content';
import { CHALLENGE_AUDIT, CHALLENGE_ENTITY, CHALLENGE_EVENTS } from './challenge-events';
import { ChallengeLifecycle } from './challenge-lifecycle.service';
import { challengeSnapshot } from './challenge.mappers';
import { ChallengeOutbox } from './challenge-outbox';
import { ChallengeQueriesService } from './challenge-queries.service';
import { ChallengeDraft, searchTextOf } from './challenge-rules';
import { ChallengeSchedule } from './challenge-schedule';
import { assertTransition, ChallengeAction, CHALLENGE_MACHINE } from './challenge-status';
import { ChallengesRepository } from './challenges.repository';
import { CreateChallengeDto, UpdateChallengeDto } from './dto/challenge-input.dto';
import { ChallengeResponseDto } from './dto/challenge-response.dto';
import { ChallengeEntity } from './entities/challenge.entity';

/**
 * The issuer's side of a challenge: drafting, editing the draft, sending it to vetting, and
 * withdrawing it before it opens. Every change locks the row, checks the transition table against
 * the status by the clock, and writes audit and outbox events in the same transaction.
 */
@Injectable()
export class ChallengeAuthoringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly programs: ProgramsService,
    private readonly taxonomy: TaxonomyService,
    private readonly content: ChallengeContent,
    private readonly lifecycle: ChallengeLifecycle,
    private readonly schedule: ChallengeSchedule,
    private readonly events: ChallengeOutbox,
    private readonly queries: ChallengeQueriesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Principal, dto: CreateChallengeDto): Promise<ChallengeResponseDto> {
    const user = requireUser(actor);
    const id = await this.dataSource.transaction((em) =>
      this.draftIn(em, actor, user.userId, user.organizationId, dto, null),
    );
    return this.queries.get(actor, id);
  }

  /**
   * A draft of the enterprise's organization made from a refined need (transfer/needs), in the
   * caller's transaction, by the need's broker or the enterprise: the same checks as `create`, and
   * the need's id kept on the challenge (the link back). Returns the challenge's id.
   */
  async createForNeed(
    em: EntityManager,
    actor: UserPrincipal,
    organizationId: string,
    dto: CreateChallengeDto,
    needId: string,
  ): Promise<string> {
    return this.draftIn(em, actor, actor.userId, organizationId, dto, needId);
  }

  private async draftIn(
    em: EntityManager,
    actor: Principal,
    userId: string,
    organizationId: string,
    dto: CreateChallengeDto,
    needId: string | null,
  ): Promise<string> {
    const now = this.clock.now();
    const program = await this.programs.requireById(em, dto.programId);
    await this.taxonomy.assertActiveCategory(em, dto.category);
    await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
    const draft = newDraft(dto);
    this.content.assertRules(draft, program.settings, now, new Set());
    await this.content.assertOwnAttachments(em, draft.attachments, organizationId);
    const challenge = await this.insertDraft(em, userId, organizationId, dto, draft, now, needId);
    const saved = await this.challenges.replaceIndicators(em, challenge.id, draft.indicators);
    await this.challenges.saveConfidential(em, challenge.id, dto.confidentialDetails ?? '', now);
    await this.challenges.replaceAttachments(em, challenge.id, draft.attachments);
    await this.audit.record(em, {
      actor,
      action: CHALLENGE_AUDIT.created,
      objectType: CHALLENGE_ENTITY,
      objectId: challenge.id,
      after: { ...challengeSnapshot(challenge, saved), needId },
    });
    return challenge.id;
  }

  /** Edits a draft (issuer organization, If-Match required). Lists in the body replace the old ones. */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateChallengeDto,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a draft');
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockOwn(em, actor, id, 'edit', expectedVersion);
      const existing = await this.challenges.indicators(id, em);
      const before = challengeSnapshot(challenge, existing);
      const program = await this.programs.requireById(em, dto.programId ?? challenge.programId);
      if (dto.category !== undefined) await this.taxonomy.assertActiveCategory(em, dto.category);
      if (dto.industryChain !== undefined)
        await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const attachments = dto.attachments ?? (await this.challenges.attachments(id, em));
      const draft = editedDraft(challenge, dto, dto.indicators ?? existing, attachments);
      this.content.assertRules(draft, program.settings, now, new Set(existing.map((i) => i.id)));
      if (dto.attachments)
        await this.content.assertOwnAttachments(em, dto.attachments, challenge.issuerOrganizationId);
      Object.assign(challenge, editedFields(challenge, dto, draft), { programId: program.id });
      const saved = await this.content.save(em, challenge, now, {
        indicators: dto.indicators,
        attachments: dto.attachments,
        confidentialDetails: dto.confidentialDetails,
      });
      await this.audit.record(em, {
        actor,
        action: CHALLENGE_AUDIT.updated,
        objectType: CHALLENGE_ENTITY,
        objectId: id,
        before,
        after: {
          ...challengeSnapshot(challenge, saved),
          confidentialDetailsChanged: dto.confidentialDetails !== undefined,
        },
      });
    });
    return this.queries.get(actor, id);
  }

  async submit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockOwn(em, actor, id, 'submit', expectedVersion);
      if (challenge.closesAt <= now) {
        throw new DomainError(
          'DEADLINE_PASSED',
          'closesAt has passed: move the application window before submitting',
          {
            errors: [{ field: 'closesAt', message: 'closesAt must be in the future' }],
          },
        );
      }
      await this.lifecycle.move(em, actor, challenge, 'submit', now, {
        submittedAt: now,
        statusReason: null,
      });
      await this.events.publish(em, CHALLENGE_EVENTS.submitted, challenge);
    });
    return this.queries.get(actor, id);
  }

  async withdraw(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockOwn(em, actor, id, 'withdraw', expectedVersion);
      await this.lifecycle.move(em, actor, challenge, 'withdraw', now);
      await this.schedule.cancelAll(em, id);
      await this.events.publish(em, CHALLENGE_EVENTS.withdrawn, challenge);
    });
    return this.queries.get(actor, id);
  }

  /** Locks a challenge of the caller's own organization (issuer role), 404 for anyone else's. */
  private async lockOwn(
    em: EntityManager,
    actor: Principal,
    id: string,
    action: ChallengeAction,
    expectedVersion: number | undefined,
  ): Promise<{ challenge: ChallengeEntity; now: Date }> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    const own =
      challenge &&
      actor.kind === 'user' &&
      hasRole(actor, 'issuer') &&
      actor.organizationId === challenge.issuerOrganizationId;
    if (!challenge || !own) throw DomainError.notFound('Challenge');
    const now = this.clock.now();
    assertVersion(challenge.version, expectedVersion);
    assertTransition(challenge, action, now);
    return { challenge, now };
  }

  private async insertDraft(
    em: EntityManager,
    userId: string,
    organizationId: string,
    dto: CreateChallengeDto,
    draft: ChallengeDraft,
    now: Date,
    needId: string | null,
  ): Promise<ChallengeEntity> {
    const issuer = await this.organizations.findById(organizationId, em);
    if (!issuer) throw new Error(`The issuing organization ${organizationId} is missing`);
    const challenge = em.create(ChallengeEntity, {
      programId: dto.programId,
      code: null,
      title: dto.title.trim(),
      categoryCode: dto.category,
      industryChainCode: dto.industryChain,
      issuerOrganizationId: issuer.id,
      regionCode: issuer.regionCode,
      background: dto.background,
      publicSummary: dto.publicSummary,
      expectedOutcomes: dto.expectedOutcomes ?? [],
      ...draftFields(draft),
      durationMonths: dto.durationMonths,
      eligibility: eligibilityOf(dto.eligibility),
      status: CHALLENGE_MACHINE.initial('create'),
      statusReason: null,
      searchText: searchTextOf({
        title: dto.title,
        publicSummary: dto.publicSummary,
        indicators: draft.indicators,
      }),
      submittedAt: null,
      publishedAt: null,
      needId,
      createdBy: userId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    return em.save(challenge);
  }
}

/** The columns a draft's checked terms fill. */
function draftFields(draft: ChallengeDraft) {
  return {
    totalFen: draft.totalFen,
    fiscalFen: draft.fiscalFen,
    cofundingFen: draft.cofundingFen,
    opensAt: draft.opensAt,
    closesAt: draft.closesAt,
    selectionMode: draft.selectionMode,
    teamCount: draft.teamCount,
  };
}

function newDraft(dto: CreateChallengeDto): ChallengeDraft {
  return {
    totalFen: dto.totalFen,
    fiscalFen: dto.fiscalFen,
    cofundingFen: dto.cofundingFen,
    opensAt: new Date(dto.opensAt),
    closesAt: new Date(dto.closesAt),
    selectionMode: dto.selectionMode,
    teamCount: dto.teamCount ?? (dto.selectionMode === 'single' ? 1 : 0),
    indicators: dto.indicators,
    attachments: dto.attachments ?? [],
  };
}

function editedDraft(
  challenge: ChallengeEntity,
  dto: UpdateChallengeDto,
  indicators: ChallengeDraft['indicators'],
  attachments: ChallengeDraft['attachments'],
): ChallengeDraft {
  return {
    totalFen: dto.totalFen ?? challenge.totalFen,
    fiscalFen: dto.fiscalFen ?? challenge.fiscalFen,
    cofundingFen: dto.cofundingFen ?? challenge.cofundingFen,
    opensAt: dto.opensAt ? new Date(dto.opensAt) : challenge.opensAt,
    closesAt: dto.closesAt ? new Date(dto.closesAt) : challenge.closesAt,
    selectionMode: dto.selectionMode ?? challenge.selectionMode,
    teamCount: dto.teamCount ?? (dto.selectionMode === 'single' ? 1 : challenge.teamCount),
    indicators,
    attachments,
  };
}

/** The draft's fields after an edit: what the body gives, else what was there. */
function editedFields(challenge: ChallengeEntity, dto: UpdateChallengeDto, draft: ChallengeDraft) {
  return {
    title: dto.title?.trim() ?? challenge.title,
    categoryCode: dto.category ?? challenge.categoryCode,
    industryChainCode: dto.industryChain ?? challenge.industryChainCode,
    background: dto.background ?? challenge.background,
    publicSummary: dto.publicSummary ?? challenge.publicSummary,
    expectedOutcomes: dto.expectedOutcomes ?? challenge.expectedOutcomes,
    ...draftFields(draft),
    durationMonths: dto.durationMonths ?? challenge.durationMonths,
    eligibility: dto.eligibility ? eligibilityOf(dto.eligibility) : challenge.eligibility,
  };
}
