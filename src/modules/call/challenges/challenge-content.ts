import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { checkChallengeDraft, ChallengeDraft, searchTextOf } from './challenge-rules';
import { AttachmentLink, ChallengesRepository, IndicatorInput } from './challenges.repository';
import type { EligibilityDto } from './dto/challenge-input.dto';
import type { ChallengeIndicatorEntity } from './entities/challenge-indicator.entity';
import type { ChallengeEntity, Eligibility } from './entities/challenge.entity';

/** The parts of a challenge a save may replace; absent ones stay as they are. */
export interface ContentParts {
  indicators?: IndicatorInput[];
  attachments?: AttachmentLink[];
  confidentialDetails?: string;
}

export function eligibilityOf(dto: EligibilityDto | undefined): Eligibility {
  return {
    allowedOrganizationTypes: dto?.allowedOrganizationTypes ?? [],
    regionCodes: dto?.regionCodes ?? [],
    consortiumAllowed: dto?.consortiumAllowed ?? true,
    leaderConcurrencyLimit: dto?.leaderConcurrencyLimit ?? null,
  };
}

/**
 * The content of a challenge as drafting and amendments check and save it: the program's rules,
 * the issuer's own attachments, the indicators, attachments, confidential text and search text.
 */
@Injectable()
export class ChallengeContent {
  constructor(
    private readonly challenges: ChallengesRepository,
    private readonly attachmentFiles: AttachmentsService,
  ) {}

  /** 400 for malformed fields, 422 for what the program's settings refuse; `prefix` names nested fields. */
  assertRules(
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

  async assertOwnAttachments(
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

  /** Saves a changed challenge with its indicators, attachments and confidential text; bumps the version. */
  async save(
    em: EntityManager,
    challenge: ChallengeEntity,
    now: Date,
    parts: ContentParts,
  ): Promise<ChallengeIndicatorEntity[]> {
    challenge.version += 1;
    challenge.updatedAt = now;
    await em.save(challenge);
    const indicators = parts.indicators
      ? await this.challenges.replaceIndicators(em, challenge.id, parts.indicators)
      : await this.challenges.indicators(challenge.id, em);
    if (parts.attachments) await this.challenges.replaceAttachments(em, challenge.id, parts.attachments);
    if (parts.confidentialDetails !== undefined) {
      await this.challenges.saveConfidential(em, challenge.id, parts.confidentialDetails, now);
    }
    await this.challenges.setSearchText(em, challenge.id, searchTextOf({ ...challenge, indicators }));
    return indicators;
  }
}
