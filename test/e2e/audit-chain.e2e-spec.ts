import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../src/common/audit/audit.service';
import { parseConfig } from '../../src/infra/config/config';
import { AuditArchiver } from '../../src/modules/platform/audit/chain/audit-archiver';
import { AuditSealer } from '../../src/modules/platform/audit/chain/audit-sealer';
import { Actor, createAdmin, createUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const DAY = 24 * 60 * 60 * 1000;
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'audit-verify-cli.js');

/** Runs the built `npm run audit:verify` with nothing but DATABASE_URL; its exit code and output. */
function verifyCli(
  databaseUrl: string,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

function record(t: TestApp, em: EntityManager, action: string, objectId: string, after: object = {}) {
  return t.get(AuditService).record(em, {
    actor: { kind: 'system' },
    action,
    objectType: 'test',
    objectId,
    after: after as Record<string, never>,
  });
}

/** As a superuser would: the append-only trigger switched off around one statement. */
async function tamper(db: DataSource, table: string, sql: string, params: unknown[]): Promise<void> {
  await db.transaction(async (em) => {
    await em.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_no_update_delete`);
    await em.query(sql, params);
    await em.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_no_update_delete`);
  });
}

async function sealsOf(db: DataSource, objectId: string): Promise<number[]> {
  const rows = await db.query<Array<{ seq: string }>>(
    `SELECT s.seq FROM audit_events e JOIN audit_seals s ON s.audit_event_id = e.id WHERE e.object_id = $1`,
    [objectId],
  );
  return rows.map((row) => Number(row.seq));
}

async function eventId(db: DataSource, objectId: string): Promise<string> {
  const [row] = await db.query<Array<{ id: string }>>(`SELECT id FROM audit_events WHERE object_id = $1`, [
    objectId,
  ]);
  return row.id;
}

describe('tamper-evident audit trail: sealing and verification', () => {
  let t: TestApp;
  let worker: TestWorker;
  let sealer: AuditSealer;
  let auditAdmin: Actor;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '200' } });
    worker = await startTestWorker(t.environment, t.clock);
    sealer = worker.get(AuditSealer);
    admin = await createAdmin(t);
    auditAdmin = await createUser(t, admin.organizationId, ['audit_admin']);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('the worker seals committed rows on its own, outside the writing transaction', async () => {
    await t.dataSource.transaction((em) => record(t, em, 'test.sealed_by_worker', 'w1'));
    await waitFor(async () => (await sealsOf(t.dataSource, 'w1')).length === 1, { what: 'the seal of w1' });
    // The rest of this file seals by hand.
    await sealer.beforeApplicationShutdown();
  });

  it('seals rows in the order they commit: a lower row committing late is sealed later, once', async () => {
    const a = t.dataSource.createQueryRunner();
    const b = t.dataSource.createQueryRunner();
    await a.startTransaction();
    await record(t, a.manager, 'test.late', 'A');
    await b.startTransaction();
    await record(t, b.manager, 'test.early', 'B');
    await b.commitTransaction();
    await sealer.sealPending();
    expect(await sealsOf(t.dataSource, 'B')).toHaveLength(1);
    expect(await sealsOf(t.dataSource, 'A')).toEqual([]);

    await a.commitTransaction();
    await Promise.all([a.release(), b.release()]);
    await sealer.sealPending();
    const [sealA] = await sealsOf(t.dataSource, 'A');
    const [sealB] = await sealsOf(t.dataSource, 'B');
    expect(sealA).toBeGreaterThan(sealB);
    await sealer.sealPending();
    expect(await sealsOf(t.dataSource, 'A')).toEqual([sealA]);
  });

  it('seals every one of many concurrent writes exactly once while sealers run alongside', async () => {
    let writing = true;
    const sealing = (async () => {
      while (writing) await Promise.all([sealer.sealBatch(), sealer.sealBatch()]);
    })();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.dataSource.transaction(async (em) => {
          await record(t, em, 'test.concurrent', `c${i}`, { i });
          if (i % 3 === 0) await em.query('SELECT pg_sleep(0.01)');
          await record(t, em, 'test.concurrent', `c${i}-second`, { i });
        }),
      ),
    );
    writing = false;
    await sealing;
    await sealer.sealPending();
    const wrong = await t.dataSource.query(
      `SELECT e.id, count(s.seq) AS seals FROM audit_events e LEFT JOIN audit_seals s ON s.audit_event_id = e.id
        GROUP BY e.id HAVING count(s.seq) <> 1`,
    );
    expect(wrong).toEqual([]);
    const [chain] = await t.dataSource.query<Array<{ n: string; last: string }>>(
      `SELECT count(*)::text AS n, max(seq)::text AS last FROM audit_seals`,
    );
    expect(chain.n).toBe(chain.last);
  });

  it('seals a burst quickly (throughput in the log)', async () => {
    await t.dataSource.query(
      `INSERT INTO audit_events (occurred_at, actor_type, action, object_type, object_id, after)
       SELECT $1, 'system', 'test.burst', 'test', 'burst-' || i, jsonb_build_object('i', i, 'amountFen', i * 100)
         FROM generate_series(1, 5000) AS i`,
      [t.clock.now()],
    );
    const started = process.hrtime.bigint();
    const sealed = await sealer.sealPending();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `audit sealer: ${sealed} rows in ${ms.toFixed(0)} ms = ${Math.round((sealed / ms) * 1000)} rows/s`,
    );
    expect(sealed).toBe(5000);
  });

  it('npm run audit:verify says OK with the counts and exits 0', async () => {
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toMatch(/^Audit chain OK: \d+ seals verified/);
    expect(output).toContain('0 rows not sealed yet');
    expect(code).toBe(0);
  });

  it('audit:verify exits 2 with one line naming DATABASE_URL when it cannot verify', async () => {
    const unset = await verifyCli('');
    expect(unset.output.trim()).toBe(
      'audit:verify could not verify: DATABASE_URL is not set: give the postgres:// URL of the database to verify',
    );
    expect(unset.code).toBe(2);
    expect((await verifyCli('mysql://nowhere/x')).output).toContain(
      'DATABASE_URL: must be a URL like postgres://',
    );
    const missing = new URL(t.environment.env.DATABASE_URL);
    missing.pathname = '/jiebang_no_such_database';
    const absent = await verifyCli(missing.toString());
    expect(absent.output.trim().split('\n')).toEqual([
      expect.stringContaining('DATABASE_URL: database "jiebang_no_such_database" does not exist at'),
    ]);
    expect(absent.code).toBe(2);
  });

  it('the endpoint verifies a bounded range for the audit administrator and nobody else', async () => {
    const first = await t.http.get('/api/v1/audit/verification?limit=100').set(auditAdmin.headers);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'ok',
      fromSeq: 1,
      toSeq: 100,
      checked: 100,
      nextFromSeq: 101,
    });
    const last = await t.http
      .get(`/api/v1/audit/verification?fromSeq=${first.body.headSeq - 10}&limit=10000`)
      .set(auditAdmin.headers);
    expect(last.body).toMatchObject({
      status: 'ok',
      toSeq: first.body.headSeq,
      nextFromSeq: null,
      firstBreak: null,
    });

    expect((await t.http.get('/api/v1/audit/verification').set(admin.headers)).status).toBe(403);
    expect((await t.http.get('/api/v1/audit/verification')).status).toBe(401);
    const tooMany = await t.http.get('/api/v1/audit/verification?limit=10001').set(auditAdmin.headers);
    expect(tooMany.status).toBe(400);
  });

  it('a row changed with SQL by a superuser is named by audit:verify and by the endpoint', async () => {
    const id = await eventId(t.dataSource, 'c7');
    const [original] = await t.dataSource.query<Array<{ after: string }>>(
      `SELECT after::text AS after FROM audit_events WHERE id = $1`,
      [id],
    );
    await tamper(t.dataSource, 'audit_events', `UPDATE audit_events SET after = '{"i": 70}' WHERE id = $1`, [
      id,
    ]);

    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toContain('Audit chain BROKEN');
    expect(output).toContain('content changed');
    expect(output).toContain(
      `audit event ${id} (action test.concurrent, occurred at 2027-03-01T02:00:00.000000Z)`,
    );
    expect(code).toBe(1);

    const [{ seq }] = await t.dataSource.query<Array<{ seq: string }>>(
      `SELECT seq FROM audit_seals WHERE audit_event_id = $1`,
      [id],
    );
    const answer = await t.http.get('/api/v1/audit/verification?limit=10000').set(auditAdmin.headers);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'broken',
      nextFromSeq: null,
      firstBreak: {
        reason: 'content_changed',
        seq: Number(seq),
        auditEventId: id,
        action: 'test.concurrent',
      },
    });

    // Putting the content back exactly makes the chain whole again: the hash is of the content.
    await tamper(t.dataSource, 'audit_events', `UPDATE audit_events SET after = $2::jsonb WHERE id = $1`, [
      id,
      original.after,
    ]);
    expect((await verifyCli(t.environment.env.DATABASE_URL)).code).toBe(0);
  });

  it('a deleted row is named as missing', async () => {
    const id = await eventId(t.dataSource, 'burst-42');
    await tamper(t.dataSource, 'audit_events', `DELETE FROM audit_events WHERE id = $1`, [id]);
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toContain(`row missing — audit event ${id}`);
    expect(code).toBe(1);
    const answer = await t.http.get('/api/v1/audit/verification?limit=10000').set(auditAdmin.headers);
    expect(answer.body.firstBreak).toMatchObject({ reason: 'row_missing', auditEventId: id });
  });

  it('a deleted seal breaks the chain at its sequence number', async () => {
    await tamper(t.dataSource, 'audit_seals', `DELETE FROM audit_seals WHERE seq = 3`, []);
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL, ['--from', '2', '--to', '10']);
    expect(output).toContain('Audit chain BROKEN at seal #3: seal missing');
    expect(code).toBe(1);
  });
});

describe('tamper-evident audit trail: retention and archival', () => {
  let t: TestApp;
  let worker: TestWorker;
  let sealer: AuditSealer;
  let archiver: AuditArchiver;
  const start = new Date('2027-03-01T02:00:00.000Z');

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_RETENTION_DAYS: '190', AUDIT_SEAL_INTERVAL_MS: '600000' } });
    t.clock.set(start);
    worker = await startTestWorker(t.environment, t.clock);
    sealer = worker.get(AuditSealer);
    archiver = worker.get(AuditArchiver);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  async function liveAndArchived(prefix: string): Promise<{ live: number; archived: number }> {
    const [row] = await t.dataSource.query<Array<{ live: number; archived: number }>>(
      `SELECT (SELECT count(*)::int FROM audit_events WHERE object_id LIKE $1) AS live,
              (SELECT count(*)::int FROM audit_events_archive WHERE object_id LIKE $1) AS archived`,
      [`${prefix}%`],
    );
    return row;
  }

  it('refuses a retention under 180 days', () => {
    expect(() => parseConfig({ ...t.environment.env, AUDIT_RETENTION_DAYS: '179' })).toThrow(
      /AUDIT_RETENTION_DAYS: must be at least 180 days/,
    );
    expect(parseConfig({ ...t.environment.env, AUDIT_RETENTION_DAYS: '180' }).AUDIT_RETENTION_DAYS).toBe(180);
    expect(
      parseConfig({
        DATABASE_URL: 'postgres://x@y/z',
        REDIS_URL: 'redis://y',
        JWT_ACCESS_SECRET: 'k'.repeat(32),
      }).AUDIT_RETENTION_DAYS,
    ).toBe(190);
  });

  it('writes a checkpoint for each day once it is over', async () => {
    for (const day of ['d1', 'd2']) {
      await t.dataSource.transaction(async (em) => {
        for (let i = 0; i < 5; i++) await record(t, em, 'test.dated', `${day}-${i}`);
      });
      await sealer.sealPending();
      t.clock.advance(DAY);
    }
    await sealer.sealPending();
    const checkpoints = await t.dataSource.query<Array<{ day: string; row_count: number }>>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, row_count FROM audit_checkpoints ORDER BY last_seq`,
    );
    expect(checkpoints.map((c) => c.day)).toEqual(['2027-03-01', '2027-03-02']);
    expect(checkpoints[1].row_count).toBe(5);
  });

  it('keeps rows younger than the retention, then moves whole old days to the archive', async () => {
    t.clock.set(new Date(start.getTime() + 190 * DAY + 6 * 60 * 60 * 1000));
    expect(await archiver.archiveDue()).toBe(0);
    expect(await liveAndArchived('d1-')).toEqual({ live: 5, archived: 0 });

    t.clock.advance(DAY);
    expect(await archiver.archiveDue()).toBeGreaterThanOrEqual(5);
    expect(await liveAndArchived('d1-')).toEqual({ live: 0, archived: 5 });
    expect(await liveAndArchived('d2-')).toEqual({ live: 5, archived: 0 });
    const [seals] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_seals`,
    );
    expect(seals.n).toBeGreaterThanOrEqual(10);
  });

  it('verifies across the archive boundary, from the CLI and the endpoint', async () => {
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toMatch(/Audit chain OK: \d+ seals verified .* rows live, [1-9]\d* archived/);
    expect(code).toBe(0);

    const admin = await createAdmin(t);
    const auditAdmin = await createUser(t, admin.organizationId, ['audit_admin']);
    const answer = await t.http.get('/api/v1/audit/verification').set(auditAdmin.headers);
    expect(answer.body).toMatchObject({ status: 'ok', firstBreak: null });
    expect(answer.body.archived).toBeGreaterThanOrEqual(5);
    expect(answer.body.archivedThroughSeq).toBeGreaterThanOrEqual(5);
  });

  it('the archival bypass deletes nothing that is not archived unchanged', async () => {
    const id = await eventId(t.dataSource, 'd2-0');
    const deleteUnderBypass = () =>
      t.dataSource.transaction(async (em) => {
        await em.query(`SET LOCAL jiebang.audit_archival = 'on'`);
        await em.query(`DELETE FROM audit_events WHERE id = $1`, [id]);
      });
    await expect(deleteUnderBypass()).rejects.toThrow(/append-only/);

    // A forged copy planted in the archive does not open the door either…
    await t.dataSource.query(
      `INSERT INTO audit_events_archive
       SELECT id, occurred_at, actor_type, actor_id, actor_organization_id, 'test.forged', object_type,
              object_id, before, after, request_id, tx_id, now() FROM audit_events WHERE id = $1`,
      [id],
    );
    await expect(deleteUnderBypass()).rejects.toThrow(/append-only/);
    expect(await liveAndArchived('d2-0')).toEqual({ live: 1, archived: 1 });
    // …and the chain names it.
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toContain(`content changed — audit event ${id} (action test.forged`);
    expect(code).toBe(1);

    // Archival never moves a day whose chain does not verify: the next day stays where it is.
    t.clock.advance(DAY);
    expect(await archiver.archiveNextDay()).toEqual({ archived: 0, stopped: 'chain_broken' });
    expect(await liveAndArchived('d2-')).toEqual({ live: 5, archived: 1 });
  });

  it('an archived row changed by a superuser is found like a live one', async () => {
    const [archived] = await t.dataSource.query<Array<{ id: string; seq: string }>>(
      `SELECT a.id, s.seq FROM audit_events_archive a JOIN audit_seals s ON s.audit_event_id = a.id
        WHERE a.object_id = 'd1-3'`,
    );
    await tamper(
      t.dataSource,
      'audit_events_archive',
      `UPDATE audit_events_archive SET object_id = 'd1-x' WHERE id = $1`,
      [archived.id],
    );
    const { code, output } = await verifyCli(t.environment.env.DATABASE_URL);
    expect(output).toContain(
      `Audit chain BROKEN at seal #${archived.seq}: content changed — audit event ${archived.id}`,
    );
    expect(code).toBe(1);
  });
});
