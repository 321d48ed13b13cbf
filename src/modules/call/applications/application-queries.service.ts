import { Injectable } from '@nestjs/common';
import type { SendingHttpResponse } from '../../../infra/http/http-types';
import type { EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { ChallengesRepository } from '../challenges/challenges.repository';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { ProgramsService } from '../programs/programs.service';
import { applicantOf, Standing, standingOf } from './application-access';
import type { ApplicationParts } from './application-parts.repository';
import { toApplicationResponse } from './application.mappers';
import { SUBMITTED_STATUSES } from './application-status';
import { ApplicationsRepository, ApplicationWithParts } from './applications.repository';
import { ApplicationResponseDto, ListApplicationsQueryDto } from './dto/application-response.dto';
import type { ApplicationEntity } from './entities/application.entity';

const NO_PARTS: ApplicationParts = { commitments: [], milestones: [], attachments: [], bidder: undefined };

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
  async sendAttachment(
    actor: Principal,
    id: string,
    attachmentId: string,
    res: SendingHttpResponse,
  ): Promise<void> {
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
    return { items: this.toResponses(page.items, 'owner', false), nextCursor: page.nextCursor };
  }

  /** The issuer organization of the challenge (submitted applications, never drafts) and admins. */
  async listOfChallenge(
    actor: Principal,
    challengeId: string,
    query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponseDto>> {
    // With its program: the rule on identities is read in the same statement (docs/adr/0049).
    const challenge = await this.challenges.findWithProgram(challengeId);
    const issuer =
      challenge && actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId;
    if (!challenge || (!isAdmin(actor) && !issuer)) throw DomainError.notFound('Challenge');
    const standing: Standing = isAdmin(actor) ? 'admin' : 'issuer';
    const page = await this.applications.listOfChallenge(challengeId, SUBMITTED_STATUSES, query);
    const hidden = await this.hidesIdentities(standing, challenge);
    return { items: this.toResponses(page.items, standing, hidden), nextCursor: page.nextCursor };
  }

  /** The answer for an application: its parts in one statement (on `em`'s connection inside a transaction). */
  async toResponse(
    application: ApplicationEntity,
    standing: Standing,
    hidden: boolean,
    em?: EntityManager,
  ): Promise<ApplicationResponseDto> {
    const parts = (await this.applications.partsOf([application.id], em)).get(application.id);
    return toApplicationResponse(application, parts ?? NO_PARTS, standing, hidden);
  }

  private toResponses(
    rows: ApplicationWithParts[],
    standing: Standing,
    hidden: boolean,
  ): ApplicationResponseDto[] {
    return rows.map((r) => toApplicationResponse(r.application, r.parts, standing, hidden));
  }

  private async hidesIdentities(standing: Standing, challenge: ChallengeEntity | null): Promise<boolean> {
    if (standing !== 'issuer' || !challenge) return false;
    const program = challenge.program ?? (await this.programs.findById(challenge.programId));
    return program ? !program.settings.issuerSeesApplicantIdentities : true;
  }
}
