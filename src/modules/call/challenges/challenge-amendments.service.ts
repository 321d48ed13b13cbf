import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { ProgramsService } from '../programs/programs.service';
import { AmendedParts, amendmentDiff } from './challenge-amendment-diff';
import { ChallengeContent, eligibilityOf } from './challenge-content';
import { CHALLENGE_AUDIT, CHALLENGE_ENTITY, CHALLENGE_EVENTS } from './challenge-events';
import { challengeSnapshot, toAmendmentResponse } from './challenge.mappers';
import { ChallengeOutbox } from './challenge-outbox';
import { ChallengeDraft } from './challenge-rules';
import { ChallengeSchedule } from './challenge-schedule';
import { assertTransition } from './challenge-status';
import { canSee, isPrivileged } from './challenge-visibility';
import { ChallengesRepository } from './challenges.repository';
import { AmendableFieldsDto, AmendChallengeDto } from './dto/challenge-input.dto';
import { AmendmentResponseDto } from './dto/challenge-response.dto';
import { AmendmentChange, ChallengeAmendmentEntity } from './entities/challenge-amendment.entity';
import { ChallengeIndicatorEntity } from './entities/challenge-indicator.entity';
import { ChallengeEntity } from './entities/challenge.entity';

/** The challenge's parts before an amendment, as stored. */
interface StoredParts extends AmendedParts {
  indicators: ChallengeIndicatorEntity[];
}

/** What an amendment changed, for its audit and its event. */
interface Amended {
  challenge: ChallengeEntity;
  diff: AmendmentChange[];
  before: ReturnType<typeof challengeSnapshot>;
  saved: Awaited<ReturnType<ChallengeContent['save']>>;
}

/**
 * Changes after publication (公告变更): a reason, the diff, a new version and a public history;
 * the open and close deadlines move with the dates.
 */
@Injectable()
export class ChallengeAmendmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly programs: ProgramsService,
    private readonly content: ChallengeContent,
    private readonly schedule: ChallengeSchedule,
    private readonly events: ChallengeOutbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

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
      if (dto.changes.opensAt !== undefined && status !== 'published') {
        throw DomainError.validation([
          { field: 'changes.opensAt', message: 'the challenge is already open: opensAt cannot change' },
        ]);
      }
      const amended = await this.apply(em, challenge, dto.changes, now);
      const row = await em.save(
        em.create(ChallengeAmendmentEntity, {
          challengeId: id,
          number: (await this.challenges.amendmentCount(id, em)) + 1,
          reason: dto.reason.trim(),
          changes: amended.diff,
          versionAfter: challenge.version,
          amendedBy: user.userId,
          createdAt: now,
        }),
      );
      await this.record(em, actor, amended, row);
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

  /** Checks the changes against the program's rules, applies and saves them, moves the deadlines. */
  private async apply(
    em: EntityManager,
    challenge: ChallengeEntity,
    changes: AmendableFieldsDto,
    now: Date,
  ): Promise<Amended> {
    const old = await this.partsOf(em, challenge.id);
    const program = await this.programs.requireById(em, challenge.programId);
    const draft = amendedDraft(challenge, changes, old);
    const existingIds = new Set(old.indicators.map((i) => i.id));
    this.content.assertRules(draft, program.settings, now, existingIds, 'changes.');
    if (changes.attachments) {
      await this.content.assertOwnAttachments(
        em,
        changes.attachments,
        challenge.issuerOrganizationId,
        'changes.',
      );
    }
    const diff = amendmentDiff(challenge, changes, old);
    if (!diff.length) throw new DomainError('BUSINESS_RULE_VIOLATION', 'The amendment changes nothing');
    const before = challengeSnapshot(challenge, old.indicators);
    const moved = {
      open: draft.opensAt.getTime() !== challenge.opensAt.getTime(),
      close: draft.closesAt.getTime() !== challenge.closesAt.getTime(),
    };
    Object.assign(challenge, amendedFields(challenge, changes, draft));
    const saved = await this.content.save(em, challenge, now, {
      indicators: changes.indicators,
      attachments: changes.attachments,
      confidentialDetails: changes.confidentialDetails,
    });
    if (moved.open) await this.schedule.scheduleOpen(em, challenge);
    if (moved.close) await this.schedule.scheduleClose(em, challenge);
    return { challenge, diff, before, saved };
  }

  private async partsOf(em: EntityManager, id: string): Promise<StoredParts> {
    const indicators = await this.challenges.indicators(id, em);
    const attachments = await this.challenges.attachments(id, em);
    const confidential = await this.challenges.confidential(id, em);
    return { indicators, attachments, confidentialDetails: confidential?.details ?? '' };
  }

  private async record(
    em: EntityManager,
    actor: Principal,
    { challenge, diff, before, saved }: Amended,
    row: ChallengeAmendmentEntity,
  ): Promise<void> {
    const changedFields = diff.map((c) => c.field);
    await this.audit.record(em, {
      actor,
      action: CHALLENGE_AUDIT.amended,
      objectType: CHALLENGE_ENTITY,
      objectId: challenge.id,
      before,
      after: { ...challengeSnapshot(challenge, saved), amendment: row.number, changedFields },
    });
    await this.events.publish(em, CHALLENGE_EVENTS.amended, challenge, {
      amendmentId: row.id,
      amendmentNumber: row.number,
      reason: row.reason,
      changedFields,
    });
  }
}

function amendedDraft(
  challenge: ChallengeEntity,
  changes: AmendableFieldsDto,
  old: AmendedParts,
): ChallengeDraft {
  return {
    totalFen: challenge.totalFen,
    fiscalFen: challenge.fiscalFen,
    cofundingFen: challenge.cofundingFen,
    opensAt: changes.opensAt ? new Date(changes.opensAt) : challenge.opensAt,
    closesAt: changes.closesAt ? new Date(changes.closesAt) : challenge.closesAt,
    selectionMode: challenge.selectionMode,
    teamCount: challenge.teamCount,
    indicators: changes.indicators ?? old.indicators,
    attachments: changes.attachments ?? old.attachments,
  };
}

function amendedFields(challenge: ChallengeEntity, changes: AmendableFieldsDto, draft: ChallengeDraft) {
  return {
    title: changes.title?.trim() ?? challenge.title,
    background: changes.background ?? challenge.background,
    publicSummary: changes.publicSummary ?? challenge.publicSummary,
    expectedOutcomes: changes.expectedOutcomes ?? challenge.expectedOutcomes,
    durationMonths: changes.durationMonths ?? challenge.durationMonths,
    opensAt: draft.opensAt,
    closesAt: draft.closesAt,
    eligibility: changes.eligibility ? eligibilityOf(changes.eligibility) : challenge.eligibility,
  };
}

function decodeNumberCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
  return n;
}
