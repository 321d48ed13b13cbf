import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { ApplicationLifecycle } from './application-lifecycle.service';
import type { ApplicationsRepository } from './applications.repository';
import type { ApplicationEntity } from './entities/application.entity';

const now = new Date('2027-05-01T00:00:00Z');
const application = (status: ApplicationEntity['status']) =>
  ({ id: status, status, version: 3, updatedAt: new Date(0) }) as ApplicationEntity;

describe('ApplicationLifecycle', () => {
  const saved: ApplicationEntity[][] = [];
  const em = {
    save: (rows: ApplicationEntity[]) => (saved.push(rows), Promise.resolve(rows)),
  } as unknown as EntityManager;
  const lifecycle = new ApplicationLifecycle({} as ApplicationsRepository);

  it('moves applications by the machine, bumping the version, and saves them', async () => {
    const applications = [application('eligible'), application('eligible')];
    await lifecycle.startReview(em, applications, now);
    expect(applications.map((b) => [b.status, b.version, b.updatedAt])).toEqual([
      ['under_review', 4, now],
      ['under_review', 4, now],
    ]);
    expect(saved.pop()).toBe(applications);
    const shortlisted = [application('under_review')];
    await lifecycle.shortlist(em, shortlisted, now);
    expect(shortlisted[0].status).toBe('shortlisted');
    await lifecycle.select(em, shortlisted, now);
    expect(shortlisted[0].status).toBe('selected');
    await lifecycle.deselect(em, shortlisted, now);
    expect(shortlisted[0].status).toBe('shortlisted');
    await lifecycle.markNotSelected(em, shortlisted, now);
    expect(shortlisted[0].status).toBe('not_selected');
  });

  it('refuses a move the table does not allow (409), writing nothing', async () => {
    const applications = [application('submitted')];
    await expect(lifecycle.select(em, applications, now)).rejects.toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(applications[0]).toMatchObject({ status: 'submitted', version: 3 });
    expect(() => lifecycle.move(application('withdrawn'), 'withdraw', now)).toThrow(DomainError);
  });
});
