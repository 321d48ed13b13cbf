import { checkJobHandlers } from '../../src/infra/queue/job-handler';
import { JOB_OPTIONS, JOB_QUEUE, JobName } from '../../src/infra/queue/queue.constants';
import { deadlineDelay, deadlineJobId } from '../../src/infra/scheduler/deadline-job';

describe('deadline jobs', () => {
  const dueAt = new Date('2027-03-01T02:00:00.000Z');

  it('makes a deterministic job id from entity, kind and due time (no ":" — BullMQ refuses it)', () => {
    const spec = { entityType: 'challenge', entityId: 'c-1', kind: 'challenge.close', dueAt };
    expect(deadlineJobId(spec)).toBe(`challenge|c-1|challenge.close|${dueAt.getTime()}`);
    expect(deadlineJobId({ ...spec, dueAt: new Date(dueAt) })).toBe(deadlineJobId(spec));
    expect(deadlineJobId({ ...spec, dueAt: new Date(dueAt.getTime() + 1) })).not.toBe(deadlineJobId(spec));
    expect(deadlineJobId(spec)).not.toContain(':');
  });

  it('computes the delay from the injected clock, never below zero', () => {
    expect(deadlineDelay(dueAt, new Date(dueAt.getTime() - 90_000))).toBe(90_000);
    expect(deadlineDelay(dueAt, dueAt)).toBe(0);
    expect(deadlineDelay(dueAt, new Date(dueAt.getTime() + 5_000))).toBe(0);
  });
});

describe('job tables', () => {
  it('give every job a queue and options with retries, exponential backoff and retention', () => {
    for (const name of Object.values(JobName)) {
      expect(JOB_QUEUE[name]).toBeDefined();
      expect(JOB_OPTIONS[name]).toMatchObject({
        attempts: expect.any(Number),
        backoff: { type: 'exponential' },
        removeOnComplete: expect.anything(),
        removeOnFail: expect.anything(),
      });
    }
  });

  it('accept exactly one handler per job name', () => {
    const all = Object.values(JobName);
    expect(checkJobHandlers(all)).toEqual([]);
    expect(checkJobHandlers(all.filter((name) => name !== JobName.DeliverDomainEvent))).toEqual([
      `job "${JobName.DeliverDomainEvent}" has no @JobHandler`,
    ]);
    expect(checkJobHandlers([...all, JobName.RunDeadline])).toEqual([
      `job "${JobName.RunDeadline}" has 2 @JobHandler methods`,
    ]);
    expect(checkJobHandlers([...all, 'nope' as JobName])).toEqual(['@JobHandler for unknown job "nope"']);
  });
});
