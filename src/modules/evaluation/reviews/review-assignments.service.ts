import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Page, PageQueryDto } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { ApplicationsRepository } from '../../call/applications/applications.repository';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { ExpertsRepository } from '../experts/experts.repository';
import { ProgramSettings, Rubric } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { TeamsService } from '../../call/teams/teams.service';
import { conflictOfInterest, declarationIntent, declarationOutcome } from '../panels/declaration';
import { ExpertPanelService } from '../panels/expert-panel.service';
import { isSeated } from '../panels/panel-seats';
import { DeclareDto, SaveScoresDto } from './dto/review-input.dto';
import {
  DeclarationResponseDto,
  ReviewApplicationDto,
  ReviewAssignmentResponseDto,
} from './dto/review-response.dto';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { REVIEW_ASSIGNMENT_MACHINE } from './review-assignment.machine';
import { toReviewApplication } from './review-application.view';
import { REVIEW_PANEL_MACHINE, REVIEW_SEAT_SPELLING } from './review-panel.machine';
import { ReviewPanelsService } from './review-panels.service';
import { ReviewResultsService } from './review-results.service';
import { applicationLabel, REVIEW_ACTIONS } from './reviews.constants';
import { ReviewsRepository } from './reviews.repository';
import { expertTotal, validateComments, validateScores } from './scoring';

const ENTITY = 'review_assignment';
const MAX_COMMENT = 2000;

/** What an assignment's reader needs of its challenge: the challenge, its program's settings and rubric. */
interface ListContext {
  challenge: ChallengeEntity;
  settings: ProgramSettings;
  rubric: Rubric;
}

/**
 * An expert's work on its assignments (docs/adr/0024): the listing, the declaration (the conflict
 * rules run again on the profile as it is now), the application as the expert may read it (blind or not),
 * score drafts and the final submission, which may close the panel. Only the assignment's own
 * expert sees it: anyone else gets 404, so no expert can read another's scores.
 */
@Injectable()
export class ReviewAssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reviews: ReviewsRepository,
    private readonly panels: ReviewPanelsService,
    private readonly results: ReviewResultsService,
    private readonly expertPanel: ExpertPanelService,
    private readonly challenges: ChallengesRepository,
    private readonly applications: ApplicationsRepository,
    private readonly experts: ExpertsRepository,
    private readonly programs: ProgramsService,
    private readonly teams: TeamsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The caller's assignments, newest first; an expert without a profile has none. */
  async list(actor: Principal, query: PageQueryDto): Promise<Page<ReviewAssignmentResponseDto>> {
    const expert = await this.expertOf(actor);
    if (!expert) return { items: [], nextCursor: null };
    const page = await this.reviews.listOfExpert(expert, query);
    const items: ReviewAssignmentResponseDto[] = [];
    const contexts = new Map<
      string,
      { labels: Map<string, string>; teams: Map<string, string>; blind: boolean }
    >();
    for (const row of page.items) {
      let context = contexts.get(row.assignment.panelId);
      if (!context) {
        context = await this.panelLabels(row.assignment.panelId, row.challengeId);
        contexts.set(row.assignment.panelId, context);
      }
      items.push(
        toAssignmentResponse(row.assignment, {
          challenge: { id: row.challengeId, code: row.challengeCode, title: row.challengeTitle },
          dueAt: row.dueAt,
          label: context.labels.get(row.assignment.applicationId) ?? '',
          teamName: showsTeam(row.assignment, context.blind)
            ? (context.teams.get(row.assignment.applicationId) ?? null)
            : null,
        }),
      );
    }
    return { items, nextCursor: page.nextCursor };
  }

  /** One of the caller's assignments, with its own scores; anyone else's: 404. */
  async get(actor: Principal, id: string): Promise<ReviewAssignmentResponseDto> {
    const assignment = await this.requireOwn(actor, id);
    return this.respond(assignment);
  }

  /**
   * The declaration before the expert first sees the application. `{conflict:false}`: the conflict rules
   * run again against the issuer and every application's organizations and members, on the expert's
   * profile as it is now; none → `declared`. A conflict found there → the expert is replaced as if
   * it had declared it, and the answer is 422 CONFLICT_OF_INTEREST naming it (the replacement is
   * committed: it is the rule's consequence, not part of the refused request). `{conflict:true,
   * reason}` or `{decline:true, reason}` → replaced by the next reserve, 200 with the outcome.
   */
  async declare(actor: Principal, id: string, dto: DeclareDto): Promise<DeclarationResponseDto> {
    const intent = declarationIntent(dto);
    const existing = await this.requireOwn(actor, id);
    const result = await this.dataSource.transaction(async (em) => {
      const panel = await this.lockPanel(em, existing.panelId, 'update');
      const assignment = await this.lockAssignment(em, id);
      REVIEW_ASSIGNMENT_MACHINE.assert(assignment.status, 'declare');
      const member = await this.reviews.findMember(em, assignment.panelMemberId);
      if (!isSeated(member, REVIEW_SEAT_SPELLING))
        throw DomainError.invalidTransition(`member_${member.status}`, 'declare');
      const { challenge, settings } = await this.listContext(em, panel.challengeId);
      const applications = await this.reviews.applicationsOfPanel(em, panel.id);
      const parties = await this.panels.partiesOf(em, challenge, applications);
      const now = this.clock.now();
      const found = await this.expertPanel.conflictsNow(em, assignment.expertId, parties, settings, now);
      const outcome = declarationOutcome(intent, found);
      if (outcome.stays) {
        await this.markDeclared(em, actor, assignment, now);
        return { assignment, replacement: undefined, found };
      }
      const leaving = { member, declared: assignment, outcome: outcome.outcome, reason: outcome.reason };
      const replaced = await this.panels.replaceMember(em, actor, panel, leaving, {
        challenge,
        settings,
        parties,
        applications,
      });
      await this.results.closeIfComplete(em, panel);
      return {
        assignment,
        replacement: { memberStatus: 'replaced' as const, reserveCalled: replaced.reserveCalled },
        found,
      };
    });
    if (intent.kind === 'none' && result.found.length) {
      throw conflictOfInterest(
        result.found,
        { what: 'challenge', panel: 'panel' },
        {
          assignmentStatus: result.assignment.status,
          memberStatus: 'replaced',
          reserveCalled: result.replacement?.reserveCalled ?? false,
        },
      );
    }
    const response: DeclarationResponseDto = await this.respond(result.assignment);
    if (result.replacement) response.replacement = result.replacement;
    return response;
  }

  /**
   * The application as the expert reads it, only after declaring no conflict (409 before, and once the
   * expert left the panel). Blind programs: BlindReviewApplicationDto, with nothing that names the
   * team; otherwise OpenReviewApplicationDto with the team, its organizations and members.
   */
  async application(actor: Principal, id: string): Promise<ReviewApplicationDto> {
    const assignment = await this.requireOwn(actor, id);
    if (assignment.status !== 'declared' && assignment.status !== 'submitted') {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        assignment.status === 'pending'
          ? 'Declare first that you have no conflict of interest: the application is shown only after that'
          : `The assignment is ${assignment.status}: you no longer review this application`,
        { extra: { state: assignment.status, action: 'read_application' } },
      );
    }
    const em = this.dataSource.manager;
    const panel = await this.reviews.requirePanel(assignment.panelId);
    const { challenge, settings, rubric } = await this.listContext(em, panel.challengeId);
    const application = await this.applications.findById(assignment.applicationId);
    if (!application) throw DomainError.notFound('Review assignment');
    const applications = await this.reviews.applicationsOfPanel(em, panel.id);
    const team = settings.blindReview ? null : await this.teams.findTeamWithParts(application.teamId);
    if (!settings.blindReview && !team) throw new Error(`application ${application.id}: team missing`);
    return toReviewApplication({
      assignmentId: assignment.id,
      bidLabel: applicationLabel(applications.findIndex((b) => b.id === application.id) + 1),
      challenge,
      application,
      commitments: await this.applications.commitments(application.id),
      milestones: await this.applications.milestones(application.id),
      attachments: await this.applications.attachments(application.id),
      indicators: await this.challenges.indicators(challenge.id),
      rubric,
      team,
    });
  }

  /**
   * Saves a draft of the scores and comments (If-Match required), replacing the saved ones: after
   * declaring, before submitting, while the panel is open. A draft may be partial; what it has is
   * checked against the rubric (400). Comments are required only at submission.
   */
  async saveScores(
    actor: Principal,
    id: string,
    dto: SaveScoresDto,
    expectedVersion: number | undefined,
  ): Promise<ReviewAssignmentResponseDto> {
    requireIfMatch(expectedVersion, 'score drafts');
    const existing = await this.requireOwn(actor, id);
    const saved = await this.dataSource.transaction(async (em) => {
      const panel = await this.lockPanel(em, existing.panelId, 'share');
      const assignment = await this.lockAssignment(em, id);
      assertVersion(assignment.version, expectedVersion);
      assertScorable(panel, assignment, 'save_scores');
      const { rubric } = await this.listContext(em, panel.challengeId);
      const comments = dto.comments ?? {};
      const errors = [
        ...validateScores(rubric, dto.scores, { partial: true }),
        ...commentShapeErrors(rubric, comments),
      ];
      if (errors.length) throw DomainError.validation(errors);
      assignment.scores = { ...dto.scores };
      assignment.comments = normalizeComments(comments);
      assignment.savedAt = this.clock.now();
      assignment.version += 1;
      await em.save(assignment);
      return assignment;
    });
    return this.respond(saved);
  }

  /**
   * Submits the saved scores, final: every criterion scored, a comment on each score under 60% of
   * its maximum (422 with field errors otherwise). The total is computed (expertTotal). Later saves
   * or submissions answer 409. The last submission of the panel closes it, in this transaction.
   */
  async submit(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ReviewAssignmentResponseDto> {
    const existing = await this.requireOwn(actor, id);
    const submitted = await this.dataSource.transaction(async (em) => {
      const panel = await this.lockPanel(em, existing.panelId, 'update');
      const assignment = await this.lockAssignment(em, id);
      assertVersion(assignment.version, expectedVersion);
      assertScorable(panel, assignment, 'submit');
      const { rubric } = await this.listContext(em, panel.challengeId);
      const scores = assignment.scores ?? {};
      const errors: FieldError[] = validateScores(rubric, scores);
      if (!errors.length) errors.push(...validateComments(rubric, scores, assignment.comments ?? {}));
      if (errors.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          'The scores are not complete: save them, then submit',
          {
            errors,
          },
        );
      }
      const now = this.clock.now();
      assignment.total = expertTotal(rubric, scores);
      assignment.status = REVIEW_ASSIGNMENT_MACHINE.target(assignment.status, 'submit');
      assignment.submittedAt = now;
      assignment.version += 1;
      await em.save(assignment);
      await this.audit.record(em, {
        actor,
        action: REVIEW_ACTIONS.submitted,
        objectType: ENTITY,
        objectId: assignment.id,
        before: { status: 'declared' },
        after: {
          status: assignment.status,
          total: assignment.total,
          scores,
          comments: assignment.comments ?? {},
        },
      });
      await this.results.closeIfComplete(em, panel);
      return assignment;
    });
    return this.respond(submitted);
  }

  // — helpers —

  private async markDeclared(
    em: EntityManager,
    actor: Principal,
    assignment: ReviewAssignmentEntity,
    now: Date,
  ): Promise<void> {
    assignment.status = REVIEW_ASSIGNMENT_MACHINE.target(assignment.status, 'declare');
    assignment.declaredAt = now;
    assignment.version += 1;
    await em.save(assignment);
    await this.audit.record(em, {
      actor,
      action: REVIEW_ACTIONS.declared,
      objectType: ENTITY,
      objectId: assignment.id,
      before: { status: 'pending' },
      after: { status: assignment.status, conflict: false },
    });
  }

  private async expertOf(actor: Principal): Promise<string | null> {
    if (actor.kind !== 'user' || !hasRole(actor, 'expert')) return null;
    const expert = await this.experts.findByUserId(actor.userId);
    return expert?.id ?? null;
  }

  /** The caller's own assignment, or 404 (another expert's included). */
  private async requireOwn(actor: Principal, id: string): Promise<ReviewAssignmentEntity> {
    const expertId = await this.expertOf(actor);
    const assignment = expertId ? await this.reviews.findAssignment(id) : null;
    if (!assignment || assignment.expertId !== expertId) throw DomainError.notFound('Review assignment');
    return assignment;
  }

  private async lockPanel(
    em: EntityManager,
    id: string,
    mode: 'update' | 'share',
  ): Promise<ReviewPanelEntity> {
    const panel =
      mode === 'update'
        ? await this.reviews.findPanelForUpdate(em, id)
        : await this.reviews.findPanelForShare(em, id);
    if (!panel) throw DomainError.notFound('Review assignment');
    return panel;
  }

  private async lockAssignment(em: EntityManager, id: string): Promise<ReviewAssignmentEntity> {
    const assignment = await this.reviews.findAssignmentForUpdate(em, id);
    if (!assignment) throw DomainError.notFound('Review assignment');
    return assignment;
  }

  private async listContext(em: EntityManager, challengeId: string): Promise<ListContext> {
    const challenge = await this.challenges.findById(challengeId, em);
    if (!challenge) throw new Error(`challenge ${challengeId} missing`);
    const program = await this.programs.requireById(em, challenge.programId);
    return { challenge, settings: program.settings, rubric: program.rubric };
  }

  private async panelLabels(
    panelId: string,
    challengeId: string,
  ): Promise<{ labels: Map<string, string>; teams: Map<string, string>; blind: boolean }> {
    const em = this.dataSource.manager;
    const applications = await this.reviews.applicationsOfPanel(em, panelId);
    const { settings } = await this.listContext(em, challengeId);
    const names = settings.blindReview
      ? new Map()
      : await this.applications.applicantNames(applications.map((b) => b.id));
    return {
      labels: new Map(applications.map((b, i) => [b.id, applicationLabel(i + 1)])),
      teams: new Map([...names].map(([id, n]: [string, { teamName: string }]) => [id, n.teamName])),
      blind: settings.blindReview,
    };
  }

  private async respond(assignment: ReviewAssignmentEntity): Promise<ReviewAssignmentResponseDto> {
    const panel = await this.reviews.requirePanel(assignment.panelId);
    const challenge = await this.challenges.findById(panel.challengeId);
    if (!challenge) throw new Error(`panel ${panel.id}: challenge missing`);
    const context = await this.panelLabels(panel.id, challenge.id);
    return toAssignmentResponse(assignment, {
      challenge: { id: challenge.id, code: challenge.code, title: challenge.title },
      dueAt: panel.dueAt,
      label: context.labels.get(assignment.applicationId) ?? '',
      teamName: showsTeam(assignment, context.blind)
        ? (context.teams.get(assignment.applicationId) ?? null)
        : null,
    });
  }
}

function assertScorable(panel: ReviewPanelEntity, assignment: ReviewAssignmentEntity, action: string): void {
  if (!REVIEW_PANEL_MACHINE.can(panel.status, 'close'))
    throw DomainError.invalidTransition(`panel_${panel.status}`, action);
  if (!REVIEW_ASSIGNMENT_MACHINE.can(assignment.status, 'submit'))
    throw DomainError.invalidTransition(assignment.status, action);
}

/** A draft's comments: strings of at most MAX_COMMENT characters, on criteria of the rubric. */
function commentShapeErrors(rubric: Rubric, comments: unknown): FieldError[] {
  const known = new Set(rubric.criteria.map((c) => c.key));
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(comments as Record<string, unknown>)) {
    if (!known.has(key)) {
      errors.push({ field: `comments.${key}`, message: `${key} is not a criterion of the rubric` });
    } else if (typeof value !== 'string' || value.length > MAX_COMMENT) {
      errors.push({
        field: `comments.${key}`,
        message: `a comment is text of at most ${MAX_COMMENT} characters`,
      });
    }
  }
  return errors;
}

function normalizeComments(comments: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(comments)
      .map(([k, v]) => [k, v.trim()] as const)
      .filter(([, v]) => v !== ''),
  );
}

/** The team is named only after the expert declared no conflict, and never in a blind program. */
function showsTeam(assignment: ReviewAssignmentEntity, blind: boolean): boolean {
  return !blind && (assignment.status === 'declared' || assignment.status === 'submitted');
}

function toAssignmentResponse(
  a: ReviewAssignmentEntity,
  extra: {
    challenge: { id: string; code: string | null; title: string };
    dueAt: Date;
    label: string;
    teamName: string | null;
  },
): ReviewAssignmentResponseDto {
  return {
    id: a.id,
    challenge: extra.challenge,
    bidLabel: extra.label,
    teamName: extra.teamName,
    status: a.status,
    dueAt: extra.dueAt,
    declaredAt: a.declaredAt,
    declarationReason: a.declarationReason,
    scores: a.scores,
    comments: a.comments,
    total: a.total,
    savedAt: a.savedAt,
    submittedAt: a.submittedAt,
    version: a.version,
  };
}
