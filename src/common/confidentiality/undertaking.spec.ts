import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../auth/principal';
import { recordUndertaking, UndertakingGate } from './undertaking';

const gate: UndertakingGate = {
  table: 'thing_ndas',
  keyColumn: 'thing_id',
  auditAction: 'thing.nda_accepted',
  objectType: 'thing',
};
const user: UserPrincipal = { kind: 'user', userId: 'u-1', organizationId: 'o-1', roles: ['applicant'] };
const at = new Date('2027-03-01T08:00:00.000Z');

function fakes(answers: unknown[][]) {
  const query = jest.fn((..._args: unknown[]) => Promise.resolve(answers.shift() ?? []));
  const record = jest.fn(() => Promise.resolve());
  return {
    em: { query } as unknown as EntityManager,
    audit: { record } as unknown as AuditService,
    query,
    record,
  };
}

describe('recordUndertaking', () => {
  it('inserts the first undertaking, audits it and answers it', async () => {
    const { em, audit, query, record } = fakes([[{ user_id: 'u-1' }]]);
    await expect(recordUndertaking(em, audit, gate, 't-1', user, at)).resolves.toEqual({
      userId: 'u-1',
      organizationId: 'o-1',
      acceptedAt: at,
    });
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0][0]).toMatch(
      /^INSERT INTO thing_ndas \(thing_id, user_id, organization_id, accepted_at\)\s+VALUES \(\$1, \$2, \$3, \$4\) ON CONFLICT DO NOTHING RETURNING user_id$/,
    );
    expect(query.mock.calls[0][1]).toEqual(['t-1', 'u-1', 'o-1', at]);
    expect(record).toHaveBeenCalledWith(em, {
      actor: user,
      action: 'thing.nda_accepted',
      objectType: 'thing',
      objectId: 't-1',
      after: { userId: 'u-1', organizationId: 'o-1', acceptedAt: '2027-03-01T08:00:00.000Z' },
    });
  });

  it('answers the first record on a repeat, without a second audit event', async () => {
    const first = new Date('2027-02-01T00:00:00.000Z');
    const { em, audit, query, record } = fakes([
      [],
      [{ user_id: 'u-1', organization_id: 'o-0', accepted_at: first }],
    ]);
    await expect(recordUndertaking(em, audit, gate, 't-1', user, at)).resolves.toEqual({
      userId: 'u-1',
      organizationId: 'o-0',
      acceptedAt: first,
    });
    expect(query.mock.calls[1][0]).toBe(
      'SELECT user_id, organization_id, accepted_at FROM thing_ndas WHERE thing_id = $1 AND user_id = $2',
    );
    expect(query.mock.calls[1][1]).toEqual(['t-1', 'u-1']);
    expect(record).not.toHaveBeenCalled();
  });

  it('fails loudly when the conflicting row cannot be read back', async () => {
    const { em, audit } = fakes([[], []]);
    await expect(recordUndertaking(em, audit, gate, 't-1', user, at)).rejects.toThrow(
      'The undertaking vanished',
    );
  });

  it('refuses a table or column that is not a plain identifier, before any SQL', async () => {
    const { em, audit, query } = fakes([]);
    const bad = { ...gate, table: 'x; DROP TABLE users; --_ndas' } as UndertakingGate;
    await expect(recordUndertaking(em, audit, bad, 't-1', user, at)).rejects.toThrow(
      'Not an undertaking table or column',
    );
    expect(query).not.toHaveBeenCalled();
  });
});
