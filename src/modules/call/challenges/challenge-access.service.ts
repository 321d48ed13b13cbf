import { Injectable } from '@nestjs/common';
import type { SendingHttpResponse } from '../../../infra/http/http-types';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal } from '../../../common/auth/principal';
import { recordUndertaking, UndertakingGate } from '../../../common/confidentiality/undertaking';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { CHALLENGE_AUDIT, CHALLENGE_ENTITY } from './challenge-events';
import { toAttachmentResponse } from './challenge.mappers';
import { assertTransition } from './challenge-status';
import { ChallengesRepository } from './challenges.repository';
import { canSee, isPrivileged } from './challenge-visibility';
import { ConfidentialDetailsResponseDto, NdaResponseDto } from './dto/challenge-response.dto';
import { ChallengeEntity } from './entities/challenge.entity';

const NDA_GATE: UndertakingGate = {
  table: 'challenge_ndas',
  keyColumn: 'challenge_id',
  auditAction: CHALLENGE_AUDIT.ndaAccepted,
  objectType: CHALLENGE_ENTITY,
};

/**
 * The confidential part of a challenge and who may read it: the issuer organization and admins always;
 * an applicant only after recording its non-disclosure undertaking (保密承诺) for that challenge;
 * nobody else. Also following a challenge (watchers) and downloading its attachments.
 */
@Injectable()
export class ChallengeAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly attachmentFiles: AttachmentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Records the caller's undertaking once (audited); a repeat returns the first record. */
  async acceptNda(actor: Principal, id: string): Promise<NdaResponseDto> {
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'An undertaking is made by a person');
    const user = actor;
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.challenges.findById(id, em);
      if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
      const now = this.clock.now();
      assertTransition(challenge, 'accept_nda', now);
      const undertaking = await recordUndertaking(em, this.audit, NDA_GATE, id, user, now);
      return { challengeId: id, ...undertaking };
    });
  }

  async getConfidential(actor: Principal, id: string): Promise<ConfidentialDetailsResponseDto> {
    const challenge = await this.requireConfidentialAccess(actor, id);
    const [confidential, attachments] = await Promise.all([
      this.challenges.confidential(id),
      this.challenges.attachments(id),
    ]);
    return {
      challengeId: id,
      details: confidential?.details ?? '',
      attachments: attachments
        .filter((a) => a.visibility === 'confidential')
        .map((a) => toAttachmentResponse(id, a)),
      updatedAt: confidential?.updatedAt ?? challenge.updatedAt,
    };
  }

  /** Streams an attachment of a challenge: public ones to anyone who can see the challenge, confidential ones as above. */
  async sendAttachment(
    actor: Principal | undefined,
    id: string,
    attachmentId: string,
    res: SendingHttpResponse,
  ): Promise<void> {
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    const link = (await this.challenges.attachments(id)).find((a) => a.attachmentId === attachmentId);
    if (!link) throw DomainError.notFound('Attachment');
    if (link.visibility === 'confidential') {
      if (!actor) {
        throw new DomainError('UNAUTHENTICATED', 'A confidential attachment needs credentials', {
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      }
      await this.requireConfidentialAccess(actor, id);
    }
    const attachment = await this.attachmentFiles.findById(attachmentId);
    if (!attachment) throw DomainError.notFound('Attachment');
    await this.attachmentFiles.sendContent(res, attachment);
  }

  async watch(actor: Principal, id: string): Promise<void> {
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only people follow challenges');
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    await this.challenges.addWatcher(this.dataSource.manager, id, actor.userId, this.clock.now());
  }

  async unwatch(actor: Principal, id: string): Promise<void> {
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only people follow challenges');
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    await this.challenges.removeWatcher(this.dataSource.manager, id, actor.userId);
  }

  private async requireConfidentialAccess(actor: Principal, id: string): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    if (isPrivileged(actor, challenge)) return challenge;
    if (actor.kind !== 'user' || !hasRole(actor, 'applicant')) {
      throw new DomainError(
        'FORBIDDEN',
        'Only the issuer, admins and applicants who made the undertaking may read this',
      );
    }
    if (!(await this.challenges.findNda(id, actor.userId))) {
      throw new DomainError(
        'NDA_REQUIRED',
        'Record the non-disclosure undertaking for this challenge first: POST /challenges/{id}/nda',
      );
    }
    return challenge;
  }
}
