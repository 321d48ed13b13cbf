import { DomainError } from '../../../common/errors/domain-error';
import { checkInReview, checkPlace, parseStart, sessionChangeOf } from './session-rules';
import { assertSessionTransition, SESSION_STATUSES, SESSION_TRANSITIONS } from './session-status';

const fields = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('session transitions', () => {
  it('allow every change only from scheduled; held and cancelled are final', () => {
    for (const t of SESSION_TRANSITIONS.filter((row) => row.action !== 'schedule')) {
      expect(t.from).toEqual(['scheduled']);
      expect(() => assertSessionTransition('scheduled', t.action)).not.toThrow();
      for (const final of ['held', 'cancelled'] as const) {
        try {
          assertSessionTransition(final, t.action);
          throw new Error('expected a refusal');
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
        }
      }
    }
    const reachable = new Set(SESSION_TRANSITIONS.map((t) => t.to));
    expect([...reachable].sort()).toEqual([...SESSION_STATUSES].sort());
  });
});

describe('sessionChangeOf', () => {
  it('reads a reschedule from the fields of time and place', () => {
    expect(sessionChangeOf({ scheduledAt: '2027-03-05T09:30:00+08:00' })).toEqual({
      action: 'reschedule',
      errors: [],
    });
    expect(
      sessionChangeOf({ status: 'scheduled', location: null, meetingLink: 'https://m.example.cn/1' }),
    ).toEqual({ action: 'reschedule', errors: [] });
  });

  it('refuses a reschedule that changes nothing, or carries minutes', () => {
    expect(fields(sessionChangeOf({}).errors)).toEqual(['scheduledAt']);
    expect(fields(sessionChangeOf({ durationMinutes: 60, minutes: '纪要' }).errors)).toEqual(['minutes']);
    expect(fields(sessionChangeOf({ scheduledAt: null }).errors)).toEqual(['scheduledAt']);
  });

  it('needs minutes and outcome to record a session held, and nothing else', () => {
    expect(sessionChangeOf({ status: 'held', minutes: '纪要', outcome: 'satisfactory' })).toEqual({
      action: 'hold',
      errors: [],
    });
    expect(fields(sessionChangeOf({ status: 'held', outcome: 'concerns' }).errors)).toEqual(['minutes']);
    expect(fields(sessionChangeOf({ status: 'held', minutes: '纪要' }).errors)).toEqual(['outcome']);
    expect(
      fields(
        sessionChangeOf({ status: 'held', minutes: '纪要', outcome: 'concerns', location: '会议室' }).errors,
      ),
    ).toEqual(['location']);
  });

  it('needs a reason to cancel', () => {
    expect(sessionChangeOf({ status: 'cancelled', reason: '专家无法到场' }).action).toBe('cancel');
    expect(fields(sessionChangeOf({ status: 'cancelled' }).errors)).toEqual(['reason']);
    expect(fields(sessionChangeOf({ status: 'cancelled', reason: 'x', minutes: 'y' }).errors)).toEqual([
      'minutes',
    ]);
  });
});

describe('checkPlace, parseStart, checkInReview', () => {
  const now = new Date('2027-03-01T02:00:00Z');

  it('wants a location or a link', () => {
    expect(checkPlace({ location: null, meetingLink: null })).toHaveLength(1);
    expect(checkPlace({ location: '会议室', meetingLink: null })).toEqual([]);
    expect(checkPlace({ location: null, meetingLink: 'https://m.example.cn/1' })).toEqual([]);
  });

  it('wants a real time in the future', () => {
    expect(parseStart('2027-03-01T10:00:01+08:00', now)).toEqual({
      start: new Date('2027-03-01T02:00:01Z'),
      errors: [],
    });
    expect(fields(parseStart('2027-03-01T10:00:00+08:00', now).errors)).toEqual(['scheduledAt']);
    expect(parseStart('2027-13-45T10:00:00+08:00', now).start).toBeNull();
  });

  it('wants the challenge under review and the application in review or shortlisted', () => {
    expect(checkInReview({ status: 'under_review' }, { status: 'under_review' })).toEqual([]);
    expect(checkInReview({ status: 'under_review' }, { status: 'shortlisted' })).toEqual([]);
    expect(fields(checkInReview({ status: 'under_review' }, { status: 'draft' }))).toEqual(['applicationId']);
    expect(fields(checkInReview({ status: 'publicity' }, { status: 'eligible' }))).toEqual([
      'challengeId',
      'applicationId',
    ]);
  });
});
