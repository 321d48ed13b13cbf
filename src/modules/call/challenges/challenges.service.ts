import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonValue } from '../../../common/json';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { OrganizationEntity } from '../../platform/organizations/entities/organization.entity';
import { ProgramsService } from '../programs/programs.service';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { CHALLENGE_DEADLINES, CHALLENGE_ENTITY, CHALLENGE_EVENTS } from './challenge-events';
import {
  challengeSnapshot,
  toAmendmentResponse,
  toChallengeResponse,
  toChallengeSummary,
} from './challenge.mappers';
import {
  checkChallengeDraft,
  ChallengeDraft,
  challengeCode,
  searchTextOf,
  shanghaiYear,
} from './challenge-rules';
import { assertTransition, ChallengeAction } from './challenge-status';
import {
  AttachmentLink,
  ChallengesRepository,
  ChallengeVisibility,
  IndicatorInput,
} from './challenges.repository';
import {
  AmendableFieldsDto,
  AmendChallengeDto,
  CreateChallengeDto,
  UpdateChallengeDto,
} from './dto/challenge-input.dto';
import {
  AmendmentResponseDto,
  ChallengeResponseDto,
  ChallengeSummaryDto,
} from './dto/challenge-response.dto';
import { ListChallengesQueryDto } from './dto/list-challenges.query';
import { AmendmentChange, ChallengeAmendmentEntity } from './entities/challenge-amendment.entity';
import { ChallengeEntity, Eligibility } from './entities/challenge.entity';
import { EligibilityDto } from './dto/challenge-input.dto';

function eligibilityOf(dto: EligibilityDto | undefined): Eligibility {
  return {
    allowedOrganizationTypes: dto?.allowedOrganizationTypes ?? [],
    regionCodes: dto?.regionCodes ?? [],
    consortiumAllowed: dto?.consortiumAllowed ?? true,
    leaderConcurrencyLimit: dto?.leaderConcurrencyLimit ?? null,
  };
}

/** The issuer organization's members and admins: they see the list in every state. */
export function isPrivileged(actor: Principal | undefined, challenge: ChallengeEntity): boolean {
  if (!actor) return false;
  return isAdmin(actor) || (actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId);
}

/** Whether the caller may see the list at all: published ones are public. */
export function canSee(actor: Principal | undefined, challenge: ChallengeEntity): boolean {
  return challenge.publishedAt !== null || isPrivileged(actor, challenge);
}

/**
 * Drafting, vetting and publishing challenge lists. Every state change locks the row, checks the
 * transition table against the status by the clock, writes an audit event and an outbox event in
 * the same transaction, and (re)schedules the open/close deadlines.
 */
@Injectable()
export class ChallengesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly programs: ProgramsService,
    private readonly taxonomy: TaxonomyService,
    private readonly attachmentFiles: AttachmentsService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Principal, dto: CreateChallengeDto): Promise<ChallengeResponseDto> {
    const user = requireUser(actor);
    const id = await this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const program = await this.programs.requireById(em, dto.programId);
      await this.taxonomy.assertActiveCategory(em, dto.category);
      await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const indicators: IndicatorInput[] = dto.indicators;
      const attachments: AttachmentLink[] = dto.attachments ?? [];
      const draft: ChallengeDraft = {
        totalFen: dto.totalFen,
        fiscalFen: dto.fiscalFen,
        cofundingFen: dto.cofundingFen,
        opensAt: new Date(dto.opensAt),
        closesAt: new Date(dto.closesAt),
        selectionMode: dto.selectionMode,
        teamCount: dto.teamCount ?? (dto.selectionMode === 'single' ? 1 : 0),
        indicators,
        attachments,
      };
      this.assertRules(draft, program.settings, now, new Set());
      await this.assertOwnAttachments(em, attachments, user.organizationId);
      const issuer = await em.findOneOrFail(OrganizationEntity, { where: { id: user.organizationId } });
      const challenge = em.create(ChallengeEntity, {
        programId: program.id,
        code: null,
        title: dto.title.trim(),
        categoryCode: dto.category,
        industryChainCode: dto.industryChain,
        issuerOrganizationId: issuer.id,
        regionCode: issuer.regionCode,
        background: dto.background,
        publicSummary: dto.publicSummary,
        expectedOutcomes: dto.expectedOutcomes ?? [],
        totalFen: draft.totalFen,
        fiscalFen: draft.fiscalFen,
        cofundingFen: draft.cofundingFen,
        durationMonths: dto.durationMonths,
        opensAt: draft.opensAt,
        closesAt: draft.closesAt,
        eligibility: eligibilityOf(dto.eligibility),
        selectionMode: draft.selectionMode,
        teamCount: draft.teamCount,
        status: 'draft',
        statusReason: null,
        searchText: searchTextOf({ title: dto.title, publicSummary: dto.publicSummary, indicators }),
        submittedAt: null,
        publishedAt: null,
        createdBy: user.userId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(challenge);
      const saved = await this.challenges.replaceIndicators(em, challenge.id, indicators);
      await this.challenges.saveConfidential(em, challenge.id, dto.confidentialDetails ?? '', now);
      await this.challenges.replaceAttachments(em, challenge.id, attachments);
      await this.audit.record(em, {
        actor,
        action: 'challenge.created',
        objectType: CHALLENGE_ENTITY,
        objectId: challenge.id,
        after: challengeSnapshot(challenge, saved),
      });
      return challenge.id;
    });
    return this.get(actor, id);
  }

  async get(actor: Principal | undefined, id: string): Promise<ChallengeResponseDto> {
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    const now = this.clock.now();
    const closed = challenge.publishedAt !== null && now >= challenge.closesAt;
    const [indicators, attachments, amendmentCount, names, submittedBidCount] = await Promise.all([
      this.challenges.indicators(id),
      this.challenges.attachments(id),
      this.challenges.amendmentCount(id),
      this.challenges.organizationNames([challenge.issuerOrganizationId]),
      closed ? this.challenges.submittedBidCount(id) : null,
    ]);
    return toChallengeResponse(
      challenge,
      {
        issuerName: names.get(challenge.issuerOrganizationId) ?? '',
        indicators,
        attachments,
        amendmentCount,
        submittedBidCount,
        privileged: isPrivileged(actor, challenge),
      },
      now,
    );
  }

  async list(
    actor: Principal | undefined,
    query: ListChallengesQueryDto,
  ): Promise<Page<ChallengeSummaryDto>> {
    // One reading of the clock: the filter and the statuses shown agree.
    const now = this.clock.now();
    const page = await this.challenges.list(query, this.visibility(actor, query), now);
    const names = await this.challenges.organizationNames(page.items.map((c) => c.issuerOrganizationId));
    return {
      items: page.items.map((c) => toChallengeSummary(c, names.get(c.issuerOrganizationId) ?? '', now)),
      nextCursor: page.nextCursor,
    };
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
      const before = challengeSnapshot(challenge, await this.challenges.indicators(id, em));
      const program = await this.programs.requireById(em, dto.programId ?? challenge.programId);
      if (dto.category !== undefined) await this.taxonomy.assertActiveCategory(em, dto.category);
      if (dto.industryChain !== undefined)
        await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const existing = await this.challenges.indicators(id, em);
      const indicators: IndicatorInput[] = dto.indicators ?? existing;
      const attachments: AttachmentLink[] = dto.attachments ?? (await this.challenges.attachments(id, em));
      const selectionMode = dto.selectionMode ?? challenge.selectionMode;
      const draft: ChallengeDraft = {
        totalFen: dto.totalFen ?? challenge.totalFen,
        fiscalFen: dto.fiscalFen ?? challenge.fiscalFen,
        cofundingFen: dto.cofundingFen ?? challenge.cofundingFen,
        opensAt: dto.opensAt ? new Date(dto.opensAt) : challenge.opensAt,
        closesAt: dto.closesAt ? new Date(dto.closesAt) : challenge.closesAt,
        selectionMode,
        teamCount: dto.teamCount ?? (dto.selectionMode === 'single' ? 1 : challenge.teamCount),
        indicators,
        attachments,
      };
      this.assertRules(draft, program.settings, now, new Set(existing.map((i) => i.id)));
      if (dto.attachments)
        await this.assertOwnAttachments(em, dto.attachments, challenge.issuerOrganizationId);

      Object.assign(challenge, {
        programId: program.id,
        title: dto.title?.trim() ?? challenge.title,
        categoryCode: dto.category ?? challenge.categoryCode,
        industryChainCode: dto.industryChain ?? challenge.industryChainCode,
        background: dto.background ?? challenge.background,
        publicSummary: dto.publicSummary ?? challenge.publicSummary,
        expectedOutcomes: dto.expectedOutcomes ?? challenge.expectedOutcomes,
        totalFen: draft.totalFen,
        fiscalFen: draft.fiscalFen,
        cofundingFen: draft.cofundingFen,
        durationMonths: dto.durationMonths ?? challenge.durationMonths,
        opensAt: draft.opensAt,
        closesAt: draft.closesAt,
        eligibility: dto.eligibility ? eligibilityOf(dto.eligibility) : challenge.eligibility,
        selectionMode: draft.selectionMode,
        teamCount: draft.teamCount,
      });
      const saved = await this.saveContent(em, challenge, now, {
        indicators: dto.indicators,
        attachments: dto.attachments,
        confidentialDetails: dto.confidentialDetails,
      });
      await this.audit.record(em, {
        actor,
        action: 'challenge.updated',
        objectType: CHALLENGE_ENTITY,
        objectId: id,
        before,
        after: {
          ...challengeSnapshot(challenge, saved),
          confidentialDetailsChanged: dto.confidentialDetails !== undefined,
        },
      });
    });
    return this.get(actor, id);
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
      await this.transition(em, actor, challenge, 'pending_review', 'submit', now, {
        submittedAt: now,
        statusReason: null,
      });
      await this.publish(em, CHALLENGE_EVENTS.submitted, challenge);
    });
    return this.get(actor, id);
  }

  async withdraw(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockOwn(em, actor, id, 'withdraw', expectedVersion);
      await this.transition(em, actor, challenge, 'withdrawn', 'withdraw', now);
      await this.cancelDeadlines(em, id);
      await this.publish(em, CHALLENGE_EVENTS.withdrawn, challenge);
    });
    return this.get(actor, id);
  }

  /** Admin: publishes the list with the next code of the year and schedules its opening and closing. */
  async approve(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'approve', expectedVersion);
      if (challenge.closesAt <= now) {
        throw new DomainError(
          'DEADLINE_PASSED',
          'closesAt has passed: reject the list so that the issuer can move the application window',
        );
      }
      const year = shanghaiYear(now);
      const code = challengeCode(year, await this.challenges.nextCodeNumber(em, year));
      await this.transition(em, actor, challenge, 'published', 'approve', now, { code, publishedAt: now });
      await this.scheduler.schedule(em, this.deadline(challenge, 'open'));
      await this.scheduleClose(em, challenge);
      await this.publish(em, CHALLENGE_EVENTS.published, challenge);
    });
    return this.get(actor, id);
  }

  async reject(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'reject', expectedVersion);
      await this.transition(em, actor, challenge, 'draft', 'reject', now, { statusReason: reason.trim() });
      await this.publish(em, CHALLENGE_EVENTS.rejected, challenge, { reason: reason.trim() });
    });
    return this.get(actor, id);
  }

  async cancel(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'cancel', expectedVersion);
      await this.transition(em, actor, challenge, 'cancelled', 'cancel', now, {
        statusReason: reason.trim(),
      });
      await this.cancelDeadlines(em, id);
      await this.publish(em, CHALLENGE_EVENTS.cancelled, challenge, { reason: reason.trim() });
    });
    return this.get(actor, id);
  }

  /** Deadline job: `published` → `open` (a no-op in any other state). */
  async openByDeadline(em: EntityManager, id: string): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || challenge.status !== 'published') return;
    const now = this.clock.now();
    await this.transition(em, { kind: 'system' }, challenge, 'open', 'open', now);
    await this.publish(em, CHALLENGE_EVENTS.opened, challenge, {}, happenedAt(challenge.opensAt, now));
  }

  /**
   * Deadline job: `published`/`open` → `closed` (a no-op in any other state). A list still
   * `published` never had its open job run (it was late, e.g. Redis lost it): it is opened first,
   * with its `challenge.opened`, so integrators always see opened before closed, once each; the open
   * job, should it run later, finds the list closed and does nothing (docs/adr/0037).
   *
   * Both events record when the list opened and closed — opensAt and closesAt, or now if a job ran
   * early — not when a late job ran: so opened always sorts before closed (opensAt < closesAt), for
   * the relay (which takes events in occurredAt order) and for a receiver ordering by createdAt.
   */
  async closeByDeadline(em: EntityManager, id: string): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || (challenge.status !== 'published' && challenge.status !== 'open')) return;
    const now = this.clock.now();
    if (challenge.status === 'published') {
      await this.transition(em, { kind: 'system' }, challenge, 'open', 'open', now);
      await this.publish(em, CHALLENGE_EVENTS.opened, challenge, {}, happenedAt(challenge.opensAt, now));
    }
    await this.transition(em, { kind: 'system' }, challenge, 'closed', 'close', now);
    await this.publish(em, CHALLENGE_EVENTS.closed, challenge, {}, happenedAt(challenge.closesAt, now));
  }

  /** A change after publication: reason, diff, new version, public history; deadlines move with it. */
  async amend(
    actor: Principal,
    id: string,
    dto: AmendChallengeDto,
    expectedVersion: number | undefined,
  ): Promise<AmendmentResponseDto> {
    const user = requireUser(actor);
    const amendment = await this.dataSource.transaction(async (em) => {
      const challenge = await this.challenges.findByIdForUpdate(em, id);
      if (!challenge || !isPrivileged(actor, challenge) || !canSee(actor, challenge)) {
        throw DomainError.notFound('Challenge');
      }
      const now = this.clock.now();
      assertVersion(challenge.version, expectedVersion);
      const status = assertTransition(challenge, 'amend', now);
      const changes = dto.changes;
      if (changes.opensAt !== undefined && status !== 'published') {
        throw DomainError.validation([
          { field: 'changes.opensAt', message: 'the list is already open: opensAt cannot change' },
        ]);
      }
      const existing = await this.challenges.indicators(id, em);
      const oldAttachments = await this.challenges.attachments(id, em);
      const program = await this.programs.requireById(em, challenge.programId);
      const indicators: IndicatorInput[] = changes.indicators ?? existing;
      const attachments: AttachmentLink[] = changes.attachments ?? oldAttachments;
      const draft: ChallengeDraft = {
        totalFen: challenge.totalFen,
        fiscalFen: challenge.fiscalFen,
        cofundingFen: challenge.cofundingFen,
        opensAt: changes.opensAt ? new Date(changes.opensAt) : challenge.opensAt,
        closesAt: changes.closesAt ? new Date(changes.closesAt) : challenge.closesAt,
        selectionMode: challenge.selectionMode,
        teamCount: challenge.teamCount,
        indicators,
        attachments,
      };
      this.assertRules(draft, program.settings, now, new Set(existing.map((i) => i.id)), 'changes.');
      if (changes.attachments) {
        await this.assertOwnAttachments(em, changes.attachments, challenge.issuerOrganizationId, 'changes.');
      }
      const confidential = await this.challenges.confidential(id, em);
      const diff = amendmentDiff(challenge, changes, {
        indicators: existing,
        attachments: oldAttachments,
        confidentialDetails: confidential?.details ?? '',
      });
      if (!diff.length) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'The amendment changes nothing');
      }
      const before = challengeSnapshot(challenge, existing);
      const deadlinesMoved = {
        open: draft.opensAt.getTime() !== challenge.opensAt.getTime(),
        close: draft.closesAt.getTime() !== challenge.closesAt.getTime(),
      };
      Object.assign(challenge, {
        title: changes.title?.trim() ?? challenge.title,
        background: changes.background ?? challenge.background,
        publicSummary: changes.publicSummary ?? challenge.publicSummary,
        expectedOutcomes: changes.expectedOutcomes ?? challenge.expectedOutcomes,
        durationMonths: changes.durationMonths ?? challenge.durationMonths,
        opensAt: draft.opensAt,
        closesAt: draft.closesAt,
        eligibility: changes.eligibility ? eligibilityOf(changes.eligibility) : challenge.eligibility,
      });
      const saved = await this.saveContent(em, challenge, now, {
        indicators: changes.indicators,
        attachments: changes.attachments,
        confidentialDetails: changes.confidentialDetails,
      });
      if (deadlinesMoved.open) await this.scheduler.schedule(em, this.deadline(challenge, 'open'));
      if (deadlinesMoved.close) await this.scheduleClose(em, challenge);
      const number = (await this.challenges.amendmentCount(id, em)) + 1;
      const row = em.create(ChallengeAmendmentEntity, {
        challengeId: id,
        number,
        reason: dto.reason.trim(),
        changes: diff,
        versionAfter: challenge.version,
        amendedBy: user.userId,
        createdAt: now,
      });
      await em.save(row);
      await this.audit.record(em, {
        actor,
        action: 'challenge.amended',
        objectType: CHALLENGE_ENTITY,
        objectId: id,
        before,
        after: {
          ...challengeSnapshot(challenge, saved),
          amendment: number,
          changedFields: diff.map((c) => c.field),
        },
      });
      await this.publish(em, CHALLENGE_EVENTS.amended, challenge, {
        amendmentId: row.id,
        amendmentNumber: number,
        reason: row.reason,
        changedFields: diff.map((c) => c.field),
      });
      return row;
    });
    return toAmendmentResponse(amendment);
  }

  async listAmendments(
    actor: Principal | undefined,
    id: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<AmendmentResponseDto>> {
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeNumberCursor(query.cursor) : 0;
    const rows = await this.challenges.amendments(id, after, limit);
    const items = rows.slice(0, limit);
    return {
      items: items.map(toAmendmentResponse),
      nextCursor:
        rows.length > limit
          ? Buffer.from(String(items[items.length - 1].number)).toString('base64url')
          : null,
    };
  }

  // — helpers —

  private visibility(actor: Principal | undefined, query: ListChallengesQueryDto): ChallengeVisibility {
    const scope = query.scope ?? 'public';
    if (scope === 'public') return { scope: 'public' };
    if (!actor) {
      throw new DomainError('UNAUTHENTICATED', `scope=${scope} needs credentials`, {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    if (scope === 'all') {
      if (!isAdmin(actor)) throw new DomainError('FORBIDDEN', 'scope=all is for admins');
      return { scope: 'all' };
    }
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'scope=mine needs a signed-in user');
    return { scope: 'organization', organizationId: actor.organizationId };
  }

  /** Locks a list of the caller's own organization (issuer role), 404 for anyone else's. */
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

  /** Locks any list (admin actions). */
  private async lockAny(
    em: EntityManager,
    id: string,
    action: ChallengeAction,
    expectedVersion: number | undefined,
  ): Promise<{ challenge: ChallengeEntity; now: Date }> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge) throw DomainError.notFound('Challenge');
    const now = this.clock.now();
    assertVersion(challenge.version, expectedVersion);
    assertTransition(challenge, action, now);
    return { challenge, now };
  }

  private async transition(
    em: EntityManager,
    actor: AuditActor,
    challenge: ChallengeEntity,
    to: ChallengeEntity['status'],
    action: ChallengeAction,
    now: Date,
    extra: Partial<ChallengeEntity> = {},
  ): Promise<void> {
    const before = challengeSnapshot(challenge);
    Object.assign(challenge, extra, { status: to, version: challenge.version + 1, updatedAt: now });
    await em.save(challenge);
    await this.audit.record(em, {
      actor,
      action: `challenge.${action}`,
      objectType: CHALLENGE_ENTITY,
      objectId: challenge.id,
      before,
      after: challengeSnapshot(challenge),
    });
  }

  /** Saves a changed list with its indicators, attachments and confidential text; bumps the version. */
  private async saveContent(
    em: EntityManager,
    challenge: ChallengeEntity,
    now: Date,
    lists: { indicators?: IndicatorInput[]; attachments?: AttachmentLink[]; confidentialDetails?: string },
  ) {
    challenge.version += 1;
    challenge.updatedAt = now;
    await em.save(challenge);
    const indicators = lists.indicators
      ? await this.challenges.replaceIndicators(em, challenge.id, lists.indicators)
      : await this.challenges.indicators(challenge.id, em);
    if (lists.attachments) await this.challenges.replaceAttachments(em, challenge.id, lists.attachments);
    if (lists.confidentialDetails !== undefined) {
      await this.challenges.saveConfidential(em, challenge.id, lists.confidentialDetails, now);
    }
    await this.challenges.setSearchText(em, challenge.id, searchTextOf({ ...challenge, indicators }));
    return indicators;
  }

  private assertRules(
    draft: ChallengeDraft,
    settings: Parameters<typeof checkChallengeDraft>[1]['settings'],
    now: Date,
    existingIndicatorIds: Set<string>,
    prefix = '',
  ): void {
    const { invalid, refused } = checkChallengeDraft(draft, { settings, now, existingIndicatorIds });
    const withPrefix = (errors: FieldError[]) => errors.map((e) => ({ ...e, field: prefix + e.field }));
    if (invalid.length) throw DomainError.validation(withPrefix(invalid));
    if (refused.length) {
      throw new DomainError('BUSINESS_RULE_VIOLATION', refused.map((e) => e.message).join('; '), {
        errors: withPrefix(refused),
      });
    }
  }

  private async assertOwnAttachments(
    em: EntityManager,
    links: AttachmentLink[],
    organizationId: string,
    prefix = '',
  ): Promise<void> {
    if (!links.length) return;
    try {
      await this.attachmentFiles.findOwnedByOrganization(
        em,
        links.map((l) => l.attachmentId),
        organizationId,
      );
    } catch (error) {
      if (prefix && error instanceof DomainError && error.options.errors) {
        throw DomainError.validation(error.options.errors.map((e) => ({ ...e, field: prefix + e.field })));
      }
      throw error;
    }
  }

  /** The close deadline and the reminders before it (moved together when closesAt moves). */
  private async scheduleClose(em: EntityManager, challenge: ChallengeEntity): Promise<void> {
    await this.scheduler.schedule(em, this.deadline(challenge, 'close'));
    const { settings } = await this.programs.requireById(em, challenge.programId);
    await this.scheduler.scheduleReminders(
      em,
      { ...this.deadline(challenge, 'close'), kind: CHALLENGE_DEADLINES.closingReminder },
      settings.reminderOffsetsHours,
    );
  }

  /**
   * A reminder before closing (worker, in the deadline's transaction): tells the watchers and the
   * holders of draft bids, unless the list no longer takes bids.
   */
  async remindClosing(em: EntityManager, id: string, hoursBefore: number): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || (challenge.status !== 'published' && challenge.status !== 'open')) return;
    await this.publish(em, CHALLENGE_EVENTS.closingSoon, challenge, { hoursBefore });
  }

  private deadline(challenge: ChallengeEntity, kind: 'open' | 'close') {
    return {
      entityType: CHALLENGE_ENTITY,
      entityId: challenge.id,
      kind: CHALLENGE_DEADLINES[kind],
      dueAt: kind === 'open' ? challenge.opensAt : challenge.closesAt,
    };
  }

  private async cancelDeadlines(em: EntityManager, id: string): Promise<void> {
    await this.scheduler.cancel(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.open);
    await this.scheduler.cancel(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.close);
    await this.scheduler.cancelReminders(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.closingReminder);
  }

  private async publish(
    em: EntityManager,
    type: string,
    challenge: ChallengeEntity,
    extra: Record<string, JsonValue> = {},
    occurredAt?: Date,
  ): Promise<void> {
    await this.outbox.publish(em, {
      type,
      occurredAt,
      aggregateType: CHALLENGE_ENTITY,
      aggregateId: challenge.id,
      data: {
        challengeId: challenge.id,
        code: challenge.code,
        title: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        programId: challenge.programId,
        status: challenge.status,
        opensAt: challenge.opensAt.toISOString(),
        closesAt: challenge.closesAt.toISOString(),
        totalFen: challenge.totalFen,
        fiscalFen: challenge.fiscalFen,
        version: challenge.version,
        ...extra,
      },
    });
  }
}

/** When a deadline's change happened: at its due time, unless its job ran before it (then now). */
function happenedAt(due: Date, now: Date): Date {
  return due < now ? due : now;
}

function decodeNumberCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
  return n;
}

const PUBLIC_FIELDS = [
  'title',
  'background',
  'publicSummary',
  'expectedOutcomes',
  'durationMonths',
  'eligibility',
] as const;

/** The changed fields of an amendment; confidential ones say that they changed, never what to. */
export function amendmentDiff(
  challenge: ChallengeEntity,
  changes: AmendableFieldsDto,
  old: {
    indicators: IndicatorInput[];
    attachments: AttachmentLink[];
    confidentialDetails: string;
  },
): AmendmentChange[] {
  const diff: AmendmentChange[] = [];
  const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
  const add = (field: string, before: unknown, after: unknown) => {
    if (!isDeepStrictEqual(json(before), json(after)))
      diff.push({ field, before: json(before), after: json(after) });
  };
  for (const field of PUBLIC_FIELDS) {
    if (changes[field] === undefined) continue;
    const after = field === 'eligibility' ? eligibilityOf(changes.eligibility) : changes[field];
    add(field, challenge[field], typeof after === 'string' ? after.trim() : after);
  }
  if (changes.opensAt !== undefined) add('opensAt', challenge.opensAt, new Date(changes.opensAt));
  if (changes.closesAt !== undefined) add('closesAt', challenge.closesAt, new Date(changes.closesAt));
  if (changes.indicators !== undefined) {
    const shape = (list: IndicatorInput[]) =>
      list.map((i) => ({
        name: i.name.trim(),
        targetValue: i.targetValue.trim(),
        unit: i.unit.trim(),
        verificationMethod: i.verificationMethod.trim(),
      }));
    add('indicators', shape(old.indicators), shape(changes.indicators));
  }
  if (changes.attachments !== undefined) {
    const ofVisibility = (list: AttachmentLink[], v: string) =>
      list.filter((a) => a.visibility === v).map((a) => a.attachmentId);
    add('attachments', ofVisibility(old.attachments, 'public'), ofVisibility(changes.attachments, 'public'));
    if (
      !isDeepStrictEqual(
        ofVisibility(old.attachments, 'confidential'),
        ofVisibility(changes.attachments, 'confidential'),
      )
    ) {
      diff.push({ field: 'confidentialAttachments', confidential: true });
    }
  }
  if (changes.confidentialDetails !== undefined && changes.confidentialDetails !== old.confidentialDetails) {
    diff.push({ field: 'confidentialDetails', confidential: true });
  }
  return diff;
}
