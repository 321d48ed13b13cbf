import { JsonObject } from '../../../common/json';
import { SessionResponseDto } from './dto/session-response.dto';
import { ReviewSessionEntity } from './entities/review-session.entity';

export const SESSION_ENTITY = 'review_session';

/**
 * The answer for a session. `minutes` and `outcome` are review material, for admins only
 * (`withRecord`); the challenge's issuer and the application's organization get when, where, and the status.
 */
export function toSessionResponse(session: ReviewSessionEntity, withRecord: boolean): SessionResponseDto {
  return {
    id: session.id,
    challengeId: session.challengeId,
    applicationId: session.applicationId,
    kind: session.kind,
    scheduledAt: session.scheduledAt,
    durationMinutes: session.durationMinutes,
    location: session.location,
    meetingLink: session.meetingLink,
    status: session.status,
    ...(withRecord ? { minutes: session.minutes, outcome: session.outcome } : {}),
    cancelReason: session.cancelReason,
    version: session.version,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

/** What the audit trail keeps of a session: every field a change may touch, and the version. */
export function sessionSnapshot(session: ReviewSessionEntity): JsonObject {
  return {
    challengeId: session.challengeId,
    applicationId: session.applicationId,
    kind: session.kind,
    scheduledAt: session.scheduledAt.toISOString(),
    durationMinutes: session.durationMinutes,
    location: session.location,
    meetingLink: session.meetingLink,
    status: session.status,
    minutes: session.minutes,
    outcome: session.outcome,
    cancelReason: session.cancelReason,
    version: session.version,
  };
}
