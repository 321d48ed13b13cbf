import type { EntityManager } from 'typeorm';
import type { AuditService } from '../../../common/audit/audit.service';
import { ChallengeLifecycle } from './challenge-lifecycle.service';
import type { ChallengeOutbox } from './challenge-outbox';
import type { ChallengesRepository } from './challenges.repository';
import type { ChallengeEntity } from './entities/challenge.entity';

const now = new Date('2027-05-01T00:00:00Z');
const challenge = (status: ChallengeEntity['status']) =>
  ({
    id: 'c1',
    status,
    statusReason: null,
    version: 5,
    opensAt: new Date('2027-03-01T00:00:00Z'),
    closesAt: new Date('2027-04-01T00:00:00Z'),
    updatedAt: new Date(0),
  }) as unknown as ChallengeEntity;

describe('ChallengeLifecycle (the phases other modules drive)', () => {
  const written: ChallengeEntity[] = [];
  const repository = {
    saveStatus: (_em: EntityManager, c: ChallengeEntity) => (written.push({ ...c }), Promise.resolve()),
  } as unknown as ChallengesRepository;
  const lifecycle = new ChallengeLifecycle(repository, {} as ChallengeOutbox, {} as AuditService, {
    now: () => now,
  });
  const em = {} as EntityManager;

  it('walks review, selection, reopening and award through the table, one version each', async () => {
    const c = challenge('closed');
    await lifecycle.startReview(em, c, now);
    expect(c).toMatchObject({ status: 'under_review', version: 6, updatedAt: now });
    await lifecycle.select(em, c, now);
    expect(c.status).toBe('publicity');
    await lifecycle.reopenSelection(em, c, now);
    expect(c.status).toBe('under_review');
    await lifecycle.select(em, c, now);
    await lifecycle.finalizeAward(em, c, now);
    expect(c).toMatchObject({ status: 'awarded', version: 10 });
    expect(written.map((w) => w.status)).toEqual([
      'under_review',
      'publicity',
      'under_review',
      'publicity',
      'awarded',
    ]);
  });

  it('marks a challenge unsuccessful with its reason', async () => {
    const c = challenge('under_review');
    await lifecycle.markUnsuccessful(em, c, '  no application passed ', now);
    expect(c).toMatchObject({ status: 'unsuccessful', statusReason: 'no application passed' });
  });

  it('refuses what the table does not allow', async () => {
    await expect(lifecycle.finalizeAward(em, challenge('under_review'), now)).rejects.toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
  });
});
