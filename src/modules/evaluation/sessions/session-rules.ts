import { FieldError } from '../../../common/errors/domain-error';
import { SESSION_APPLICATION_STATUSES, SessionAction, SessionStatus } from './session-status';

/** The body of PATCH /sessions/{id}, as the rules read it (null: the caller sent null). */
export interface SessionChangeInput {
  status?: SessionStatus | null;
  scheduledAt?: string | null;
  durationMinutes?: number | null;
  location?: string | null;
  meetingLink?: string | null;
  minutes?: string | null;
  outcome?: string | null;
  reason?: string | null;
}

type ChangeField = Exclude<keyof SessionChangeInput, 'status'>;

/** Which fields each kind of change takes, and which of them it needs. */
const FIELDS: Record<
  Exclude<SessionAction, 'schedule'>,
  { allowed: ChangeField[]; required: ChangeField[] }
> = {
  reschedule: { allowed: ['scheduledAt', 'durationMinutes', 'location', 'meetingLink'], required: [] },
  hold: { allowed: ['minutes', 'outcome'], required: ['minutes', 'outcome'] },
  cancel: { allowed: ['reason'], required: ['reason'] },
};
const ALL_FIELDS: ChangeField[] = [
  'scheduledAt',
  'durationMinutes',
  'location',
  'meetingLink',
  'minutes',
  'outcome',
  'reason',
];
/** Fields that may be null: clearing one of the two places. */
const NULLABLE: ReadonlySet<string> = new Set(['location', 'meetingLink']);

const WHAT: Record<Exclude<SessionAction, 'schedule'>, string> = {
  reschedule: 'a reschedule (no status, or status scheduled)',
  hold: 'status held',
  cancel: 'status cancelled',
};

/**
 * Which change a PATCH asks for — `held` records the session, `cancelled` cancels it, anything
 * else reschedules it — and the body's field errors: a field of another kind of change, a
 * required one missing, null where null means nothing, or a reschedule that changes nothing.
 */
export function sessionChangeOf(input: SessionChangeInput): {
  action: Exclude<SessionAction, 'schedule'>;
  errors: FieldError[];
} {
  const action = input.status === 'held' ? 'hold' : input.status === 'cancelled' ? 'cancel' : 'reschedule';
  const { allowed, required } = FIELDS[action];
  const errors: FieldError[] = [];
  if (input.status === null) errors.push({ field: 'status', message: 'status must not be null' });
  for (const field of ALL_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (!allowed.includes(field)) {
      errors.push({ field, message: `${field} is not part of ${WHAT[action]}` });
    } else if (value === null && !NULLABLE.has(field)) {
      errors.push({ field, message: `${field} must not be null` });
    }
  }
  for (const field of required) {
    if (input[field] === undefined) {
      errors.push({ field, message: `${field} is required with ${WHAT[action]}` });
    }
  }
  if (action === 'reschedule' && allowed.every((field) => input[field] === undefined)) {
    errors.push({
      field: 'scheduledAt',
      message: `a reschedule changes at least one of ${allowed.join(', ')}`,
    });
  }
  return { action, errors };
}

/** A session takes place somewhere: a location, an online link, or both. */
export function checkPlace(place: { location: string | null; meetingLink: string | null }): FieldError[] {
  return place.location === null && place.meetingLink === null
    ? [{ field: 'location', message: 'give a location, a meetingLink or both' }]
    : [];
}

/** The instant of an ISO-8601 string the DTO matched, or a field error when it names no real time. */
export function parseStart(value: string, now: Date): { start: Date | null; errors: FieldError[] } {
  const start = new Date(value);
  if (Number.isNaN(start.getTime())) {
    return { start: null, errors: [{ field: 'scheduledAt', message: 'scheduledAt is not a valid time' }] };
  }
  if (start <= now) {
    return { start, errors: [{ field: 'scheduledAt', message: 'scheduledAt must be in the future' }] };
  }
  return { start, errors: [] };
}

/**
 * A session is for an application in review: the challenge `under_review`, the application on that challenge and
 * `under_review` or `shortlisted`. The refusals, each on the field that names it.
 */
export function checkInReview(challenge: { status: string }, application: { status: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (challenge.status !== 'under_review') {
    errors.push({
      field: 'challengeId',
      message: `the challenge is ${challenge.status}: sessions are held while it is under_review`,
    });
  }
  if (!(SESSION_APPLICATION_STATUSES as readonly string[]).includes(application.status)) {
    errors.push({
      field: 'applicationId',
      message: `the application is ${application.status}: sessions are for applications ${SESSION_APPLICATION_STATUSES.join(' or ')}`,
    });
  }
  return errors;
}
