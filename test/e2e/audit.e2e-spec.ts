import { AuditService } from '../../src/common/audit/audit.service';
import { createAdmin, createAuditAdmin, registerOrg } from '../support/factories';
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

  // Raw SQL on purpose: no API edits the audit trail; the database's trigger is what is tested.
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

describe('GET /audit-events', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('lets the audit administrator page through the trail newest first, filtered, without duplicates or gaps', async () => {
    const auditor = await createAuditAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    await t.dataSource.transaction(async (em) => {
      for (let i = 0; i < 5; i++) {
        t.clock.advance(1000);
        await t.get(AuditService).record(em, {
          actor: { kind: 'system' },
          action: 'test.paged',
          objectType: 'paged',
          objectId: `p${i}`,
        });
      }
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.http
        .get('/api/v1/audit-events')
        .query({ objectType: 'paged', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(auditor.headers);
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { objectId: string }[]).map((e) => e.objectId));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);

    const byActor = await t.http
      .get('/api/v1/audit-events')
      .query({ actorId: issuer.userId, action: 'auth.registered' })
      .set(auditor.headers);
    expect(byActor.status).toBe(200);
    expect(byActor.body.items).toEqual([
      expect.objectContaining({
        actorId: issuer.userId,
        action: 'auth.registered',
        objectType: expect.any(String),
      }),
    ]);
  });

  it('refuses others (403: the system administrator too, by default), anonymous callers (401), and a forged cursor (400)', async () => {
    const auditor = await createAuditAdmin(t);
    const applicant = await registerOrg(t, { role: 'applicant' });
    expect((await t.http.get('/api/v1/audit-events').set(applicant.headers)).status).toBe(403);
    const systemAdmin = await createAdmin(t);
    expect((await t.http.get('/api/v1/audit-events').set(systemAdmin.headers)).status).toBe(403);
    expect((await t.http.get('/api/v1/audit-events')).status).toBe(401);
    const forged = await t.http
      .get('/api/v1/audit-events')
      .query({ cursor: 'bm90LWEtY3Vyc29y' })
      .set(auditor.headers);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    const badDate = await t.http
      .get('/api/v1/audit-events')
      .query({ from: 'yesterday' })
      .set(auditor.headers);
    expect(badDate.status).toBe(400);
  });
});
