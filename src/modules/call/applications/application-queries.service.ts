import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { ChallengesRepository } from '../challenges/challenges.repository';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { ProgramsService } from '../programs/programs.service';
import { applicantOf, Standing, standingOf } from './application-access';
import { ApplicationParts, toApplicationResponse } from './application.mappers';
import { SUBMITTED_STATUSES } from './application-status';
import { ApplicationsRepository } from './applications.repository';
import { ApplicationResponseDto, ListApplicationsQueryDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';

/** Reading applications: one, its attachments, the caller's own, and a challenge's (for its issuer and admins). */
@Injectable()
export class ApplicationQueriesService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly programs: ProgramsService,
    private readonly attachmentFiles: AttachmentsService,
  ) {}

  async get(actor: Principal, id: string): Promise<ApplicationResponseDto> {
    const application = await this.applications.findById(id);
    if (!application) throw DomainError.notFound('Application');
    const challenge = await this.challenges.findById(application.challengeId);
    const standing = challenge ? standingOf(actor, application, challenge) : 'none';
    if (standing === 'none') throw DomainError.notFound('Application');
    return this.toResponse(application, standing, await this.hidesIdentities(standing, challenge));
  }

  /** Streams an application's attachment to whoever may read the application with its identities. */
  async sendAttachment(actor: Principal, id: string, attachmentId: string, res: Response): Promise<void> {
    const application = await this.applications.findById(id);
    const challenge = application ? await this.challenges.findById(application.challengeId) : null;
    const standing = application && challenge ? standingOf(actor, application, challenge) : 'none';
    if (!application || standing === 'none') throw DomainError.notFound('Application');
    const linked = (await this.applications.attachments(id)).some((a) => a.attachmentId === attachmentId);
    if (!linked || (await this.hidesIdentities(standing, challenge)))
      throw DomainError.notFound('Attachment');
    const attachment = await this.attachmentFiles.findById(attachmentId);
    if (!attachment) throw DomainError.notFound('Attachment');
    await this.attachmentFiles.sendContent(res, attachment);
  }

  async listMine(actor: Principal, query: ListApplicationsQueryDto): Promise<Page<ApplicationResponseDto>> {
    const user = applicantOf(actor);
    const page = await this.applications.listOfOrganization(user.organizationId, query);
    return { items: await this.toResponses(page.items, 'owner', false), nextCursor: page.nextCursor };
  }

  /** The issuer organization of the challenge (submitted applications, never drafts) and admins. */
  async listOfChallenge(
    actor: Principal,
    challengeId: string,
    query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponseDto>> {
    const challenge = await this.challenges.findById(challengeId);
    const issuer =
      challenge && actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId;
    if (!challenge || (!isAdmin(actor) && !issuer)) throw DomainError.notFound('Challenge');
    const standing: Standing = isAdmin(actor) ? 'admin' : 'issuer';
    const page = await this.applications.listOfChallenge(challengeId, SUBMITTED_STATUSES, query);
    const hidden = await this.hidesIdentities(standing, challenge);
    return { items: await this.toResponses(page.items, standing, hidden), nextCursor: page.nextCursor };
  }

  /**
   * The answer for an application. Inside a transaction (`em` given) the reads run one after another on its
   * connection; a submission answers this way, so a burst does not queue again for the pool after
   * COMMIT. Outside, they run in parallel.
   */
  async toResponse(
    application: ApplicationEntity,
    standing: Standing,
    hidden: boolean,
    em?: EntityManager,
  ): Promise<ApplicationResponseDto> {
    const reads = [
      () => this.applications.commitments(application.id, em),
      () => this.applications.milestones(application.id, em),
      () => this.applications.attachments(application.id, em),
      () => this.challenges.indicators(application.challengeId, em),
      () => this.applications.applicantNames([application.id], em),
    ] as const;
    const [commitments, milestones, attachments, indicators, names] = em
      ? [await reads[0](), await reads[1](), await reads[2](), await reads[3](), await reads[4]()]
      : await Promise.all([reads[0](), reads[1](), reads[2](), reads[3](), reads[4]()]);
    const parts: ApplicationParts = {
      commitments,
      milestones,
      attachments,
      indicators,
      bidder: names.get(application.id),
    };
    return toApplicationResponse(application, parts, standing, hidden);
  }

  private async toResponses(
    applications: ApplicationEntity[],
    standing: Standing,
    hidden: boolean,
  ): Promise<ApplicationResponseDto[]> {
    return Promise.all(applications.map((a) => this.toResponse(a, standing, hidden)));
  }

  private async hidesIdentities(standing: Standing, challenge: ChallengeEntity | null): Promise<boolean> {
    if (standing !== 'issuer' || !challenge) return false;
    const program = await this.programs.findById(challenge.programId);
    return program ? !program.settings.issuerSeesApplicantIdentities : true;
  }
}
