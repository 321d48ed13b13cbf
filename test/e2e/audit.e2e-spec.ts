import { AuditService } from '../../src/common/audit/audit.service';
import { createTestApp, TestApp } from '../support/test-app';

describe('audit_events is append-only in the database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.dataSource.transaction((em) =>
      t.get(AuditService).record(em, {
        actor: { kind: 'system' },
        action: 'test.recorded',
        objectType: 'test',
        objectId: 'one',
        after: { value: 1 },
      }),
    );
  });
  afterAll(async () => t.close());

  it('keeps the recorded row', async () => {
    const rows = await t.dataSource.query(`SELECT action, after FROM audit_events WHERE object_id = 'one'`);
    expect(rows).toEqual([{ action: 'test.recorded', after: { value: 1 } }]);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'forged'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events`],
  ])('refuses %s', async (_op, sql) => {
    await expect(t.dataSource.query(sql)).rejects.toThrow(/append-only/);
    const rows = await t.dataSource.query(`SELECT action FROM audit_events WHERE object_id = 'one'`);
    expect(rows).toEqual([{ action: 'test.recorded' }]);
  });

  it('rolls the audit row back with the change it records', async () => {
    await expect(
      t.dataSource.transaction(async (em) => {
        await t.get(AuditService).record(em, {
          actor: { kind: 'system' },
          action: 'test.rolled_back',
          objectType: 'test',
          objectId: 'two',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await t.dataSource.query(`SELECT 1 FROM audit_events WHERE object_id = 'two'`);
    expect(rows).toEqual([]);
  });
});
