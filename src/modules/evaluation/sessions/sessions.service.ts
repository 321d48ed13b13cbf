import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonObject, JsonValue } from '../../../common/json';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { CreateSessionDto, ListSessionsQueryDto, UpdateSessionDto } from './dto/session-input.dto';
import { SessionResponseDto } from './dto/session-response.dto';
import { ReviewSessionEntity } from './entities/review-session.entity';
import { SESSION_ENTITY, sessionSnapshot, toSessionResponse } from './session.mappers';
import { checkInReview, checkPlace, parseStart, sessionChangeOf } from './session-rules';
import { assertSessionTransition, SESSION_MACHINE, SessionAction, SessionOutcome } from './session-status';
import { SessionApplication, SessionListScope, SessionsRepository } from './sessions.repository';

/** The outbox events of sessions; the audit actions have the same names. */
export const SESSION_EVENTS = {
  scheduled: 'session.scheduled',
  rescheduled: 'session.rescheduled',
  held: 'session.held',
  cancelled: 'session.cancelled',
} as const;
export type SessionEvent = (typeof SESSION_EVENTS)[keyof typeof SESSION_EVENTS];

/** A change of a scheduled session, as PATCH /sessions/{id} reads it. */
type SessionChange = Exclude<SessionAction, 'schedule'>;

/** The event (and audit action) of each change. */
const CHANGE_EVENTS: Record<SessionChange, SessionEvent> = {
  reschedule: SESSION_EVENTS.rescheduled,
  hold: SESSION_EVENTS.held,
  cancel: SESSION_EVENTS.cancelled,
};

/** What the audit and outbox events of a change carry besides the session. */
type ChangeExtra = Record<string, JsonValue>;

/** How the caller stands to a session: admins see all of it, the parties its schedule, others 404. */
type Standing = 'admin' | 'issuer' | 'applicant' | 'none';

function throwIfAny(errors: FieldError[]): void {
  if (errors.length) throw DomainError.validation(errors);
}

function refuse(errors: FieldError[]): void {
  if (errors.length) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', errors.map((e) => e.message).join('; '), { errors });
  }
}

/**
 * Defence (答辩) and site-visit (现场考察) sessions of applications in review (ADR 0025): admins schedule,
 * reschedule, record (minutes and outcome) or cancel them by the table in session-status.ts. Every
 * change locks the session row, checks If-Match (required), and writes its audit event and outbox
 * event in the same transaction; the notification rules tell the application's and the issuer's
 * organizations.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** A new session for an application of the challenge: 400 for an application not on it, 422 when challenge or application is not in review. */
  async schedule(actor: Principal, challengeId: string, dto: CreateSessionDto): Promise<SessionResponseDto> {
    const user = requireUser(actor);
    const location = dto.location?.trim() ?? null;
    const meetingLink = dto.meetingLink ?? null;
    const { start, errors } = parseStart(dto.scheduledAt, this.clock.now());
    throwIfAny([...errors, ...checkPlace({ location, meetingLink })]);
    const session = await this.dataSource.transaction(async (em) => {
      const challenge = await this.challenges.findByIdForShare(em, challengeId);
      if (!challenge) throw DomainError.notFound('Challenge');
      const application = await this.sessions.findApplicationForShare(em, dto.applicationId);
      if (!application || application.challengeId !== challengeId) {
        throw DomainError.validation([
          { field: 'applicationId', message: 'not an application on this challenge' },
        ]);
      }
      refuse(checkInReview(challenge, application));
      const now = this.clock.now();
      const created = em.create(ReviewSessionEntity, {
        challengeId,
        applicationId: application.id,
        kind: dto.kind,
        scheduledAt: start as Date,
        durationMinutes: dto.durationMinutes,
        location,
        meetingLink,
        status: SESSION_MACHINE.initial('schedule'),
        minutes: null,
        outcome: null,
        cancelReason: null,
        createdBy: user.userId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(created);
      await this.record(em, actor, SESSION_EVENTS.scheduled, created, null, challenge);
      return created;
    });
    return toSessionResponse(session, true);
  }

  /**
   * A challenge's sessions, earliest first: admins and the challenge's issuer organization see all of them,
   * an organization with an application on the challenge those of its applications; anyone else 404.
   */
  async list(
    actor: Principal,
    challengeId: string,
    query: ListSessionsQueryDto,
  ): Promise<Page<SessionResponseDto>> {
    const challenge = await this.challenges.findById(challengeId);
    if (!challenge) throw DomainError.notFound('Challenge');
    let scope: SessionListScope;
    if (
      isAdmin(actor) ||
      (actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId)
    ) {
      scope = { all: true };
    } else if (
      actor.kind === 'user' &&
      (await this.sessions.organizationAppliesTo(challengeId, actor.organizationId))
    ) {
      scope = { leadOrganizationId: actor.organizationId };
    } else {
      throw DomainError.notFound('Challenge');
    }
    const page = await this.sessions.listOfChallenge(challengeId, scope, query);
    const withRecord = isAdmin(actor);
    return { items: page.items.map((s) => toSessionResponse(s, withRecord)), nextCursor: page.nextCursor };
  }

  /** Admins, the challenge's issuer organization and the application's lead organization; anyone else 404. */
  async get(actor: Principal, id: string): Promise<SessionResponseDto> {
    const session = await this.sessions.findById(id);
    const standing = session ? await this.standingOf(actor, session) : 'none';
    if (!session || standing === 'none') throw DomainError.notFound('Session');
    return toSessionResponse(session, standing === 'admin');
  }

  /**
   * One change, by the transition table: reschedule (while scheduled, the challenge still in review,
   * to a time in the future), hold (minutes and outcome, not before the start) or cancel (a
   * reason). If-Match required; 409 on a stale version or a final session.
   */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateSessionDto,
    expectedVersion: number | undefined,
  ): Promise<SessionResponseDto> {
    requireIfMatch(expectedVersion, 'changes of a session');
    const { action, errors } = sessionChangeOf(dto);
    const parsed = dto.scheduledAt ? parseStart(dto.scheduledAt, this.clock.now()) : null;
    throwIfAny([...errors, ...(parsed?.errors ?? [])]);
    const session = await this.dataSource.transaction(async (em) => {
      const { current, challenge } = await this.lockForChange(em, id, expectedVersion, action);
      const before = sessionSnapshot(current);
      const now = this.clock.now();
      const extra =
        action === 'reschedule'
          ? await this.reschedule(em, current, challenge, dto, parsed?.start ?? null, now)
          : action === 'hold'
            ? recordHeld(current, dto, now)
            : recordCancelled(current, dto);
      current.version += 1;
      current.updatedAt = now;
      await em.save(current);
      await this.record(em, actor, CHANGE_EVENTS[action], current, before, challenge, extra);
      return current;
    });
    return toSessionResponse(session, true);
  }

  // — helpers —

  /**
   * The session locked FOR UPDATE and its challenge FOR SHARE: 404 when either is missing, 409 on a
   * stale version or when the table has no row for the change from the session's status.
   */
  private async lockForChange(
    em: EntityManager,
    id: string,
    expectedVersion: number | undefined,
    action: SessionChange,
  ): Promise<{ current: ReviewSessionEntity; challenge: ChallengeEntity }> {
    const current = await this.sessions.findByIdForUpdate(em, id);
    if (!current) throw DomainError.notFound('Session');
    assertVersion(current.version, expectedVersion);
    assertSessionTransition(current.status, action);
    const challenge = await this.challenges.findByIdForShare(em, current.challengeId);
    if (!challenge) throw DomainError.notFound('Session');
    return { current, challenge };
  }

  /**
   * A new time or place while the challenge and the application are still in review: the time given (or the
   * one kept) must lie ahead, and a location or a link must remain.
   */
  private async reschedule(
    em: EntityManager,
    current: ReviewSessionEntity,
    challenge: ChallengeEntity,
    dto: UpdateSessionDto,
    start: Date | null,
    now: Date,
  ): Promise<ChangeExtra> {
    const application = await this.requireApplication(em, current.applicationId);
    refuse(checkInReview(challenge, application));
    const next = {
      scheduledAt: start ?? current.scheduledAt,
      durationMinutes: dto.durationMinutes ?? current.durationMinutes,
      location: dto.location === undefined ? current.location : (dto.location?.trim() ?? null),
      meetingLink: dto.meetingLink === undefined ? current.meetingLink : dto.meetingLink,
    };
    throwIfAny(checkPlace(next));
    if (next.scheduledAt <= now) {
      refuse([
        {
          field: 'scheduledAt',
          message: `the session was due at ${current.scheduledAt.toISOString()}: give a new scheduledAt, record it held, or cancel it`,
        },
      ]);
    }
    const extra: ChangeExtra = { previousScheduledAt: current.scheduledAt.toISOString() };
    Object.assign(current, next);
    current.status = SESSION_MACHINE.target(current.status, 'reschedule');
    return extra;
  }

  private async requireApplication(em: EntityManager, applicationId: string): Promise<SessionApplication> {
    const application = await this.sessions.findApplicationForShare(em, applicationId);
    // The foreign key guarantees it; a miss is a fault, not the caller's.
    if (!application) throw new Error(`session application ${applicationId} missing`);
    return application;
  }

  private async standingOf(actor: Principal, session: ReviewSessionEntity): Promise<Standing> {
    if (isAdmin(actor)) return 'admin';
    if (actor.kind !== 'user') return 'none';
    const [challenge, application] = await Promise.all([
      this.challenges.findById(session.challengeId),
      this.sessions.findApplication(session.applicationId),
    ]);
    if (challenge?.issuerOrganizationId === actor.organizationId) return 'issuer';
    if (application?.leadOrganizationId === actor.organizationId) return 'applicant';
    return 'none';
  }

  /**
   * The audit event (before and after) and the outbox event of a change, in its transaction. The
   * event names the application by id only: the notification rule finds its organization, so the data
   * the issuer's users receive carries no applicant identity (a blind program hides it from them).
   */
  private async record(
    em: EntityManager,
    actor: Principal,
    type: SessionEvent,
    session: ReviewSessionEntity,
    before: JsonObject | null,
    challenge: ChallengeEntity,
    extra: ChangeExtra = {},
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: type,
      objectType: SESSION_ENTITY,
      objectId: session.id,
      before,
      after: sessionSnapshot(session),
    });
    await this.outbox.publish(em, {
      type,
      aggregateType: SESSION_ENTITY,
      aggregateId: session.id,
      data: {
        sessionId: session.id,
        challengeId: challenge.id,
        challengeCode: challenge.code,
        challengeTitle: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        applicationId: session.applicationId,
        kind: session.kind,
        scheduledAt: session.scheduledAt.toISOString(),
        durationMinutes: session.durationMinutes,
        location: session.location,
        meetingLink: session.meetingLink,
        status: session.status,
        ...extra,
      },
    });
  }
}

/** Held, with its minutes and outcome (sessionChangeOf has required both): not before its start. */
function recordHeld(current: ReviewSessionEntity, dto: UpdateSessionDto, now: Date): ChangeExtra {
  if (now < current.scheduledAt) {
    refuse([
      {
        field: 'status',
        message: `the session starts at ${current.scheduledAt.toISOString()}: it cannot be recorded held before`,
      },
    ]);
  }
  current.status = SESSION_MACHINE.target(current.status, 'hold');
  current.minutes = (dto.minutes as string).trim();
  current.outcome = dto.outcome as SessionOutcome;
  return { outcome: current.outcome };
}

/** Cancelled, with its reason (sessionChangeOf has required it). */
function recordCancelled(current: ReviewSessionEntity, dto: UpdateSessionDto): ChangeExtra {
  current.status = SESSION_MACHINE.target(current.status, 'cancel');
  current.cancelReason = (dto.reason as string).trim();
  return { reason: current.cancelReason };
}
