import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { archivedTables } from '../../src/infra/retention/archive-policies';
import { RetentionArchiver } from '../../src/infra/retention/retention.archiver';
import { KEY_SQL, seedRetentionRows } from '../support/retention-rows';
import { TestClock } from '../support/test-clock';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';
import { startTestWorker, TestWorker } from '../support/workers';

const TABLES = archivedTables();

/** Every key of a table, live and archived (sorted), to show nothing was lost or doubled. */
async function keys(db: DataSource, table: string): Promise<{ live: string[]; archived: string[] }> {
  const read = async (schema: string) =>
    (await db.query<Array<{ k: string }>>(`SELECT ${KEY_SQL[table]} AS k FROM "${schema}"."${table}"`))
      .map((r) => r.k)
      .sort();
  return { live: await read('public'), archived: await read('archive') };
}

async function snapshot(db: DataSource): Promise<Record<string, { live: string[]; archived: string[] }>> {
  const all: Record<string, { live: string[]; archived: string[] }> = {};
  for (const table of TABLES) all[table] = await keys(db, table);
  return all;
}

async function clear(db: DataSource): Promise<void> {
  for (const table of [...TABLES].reverse()) {
    await db.query(`DELETE FROM "archive"."${table}"`);
    await db.query(`DELETE FROM "public"."${table}"`);
  }
}

describe('retention (docs/adr/0068)', () => {
  let environment: TestEnvironment;
  const clock = new TestClock();
  let a: TestWorker;
  let b: TestWorker;
  let db: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment({
      env: {
        RETENTION_BATCH_SIZE: '7',
        RETENTION_COMPLETED_JOBS_HOURS: '2',
        RETENTION_FAILED_JOBS_DAYS: '3',
      },
    });
    // Two worker processes on one database, as in production.
    a = await startTestWorker(environment, clock);
    b = await startTestWorker(environment, clock);
    db = a.get(DataSource);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await environment?.drop();
  });

  beforeEach(() => clear(db));

  it('moves settled rows past their retention to the archive, keeps young and still-needed ones, and loses none', async () => {
    const seeded = await seedRetentionRows(db, clock.now(), 3);
    const before = await snapshot(db);

    const counts = await a.get(RetentionArchiver).archiveDue();

    const after = await snapshot(db);
    for (const table of TABLES) {
      const archived = (seeded.archived[table] ?? []).sort();
      const kept = (seeded.kept[table] ?? []).sort();
      expect({ table, archived: after[table].archived }).toEqual({ table, archived });
      expect({ table, live: after[table].live }).toEqual({ table, live: kept });
      expect(counts[table] ?? 0).toBe(archived.length);
      // Counts add up: every row is live or archived, never both.
      expect([...after[table].live, ...after[table].archived].sort()).toEqual(before[table].live);
    }
    // Settled rows did move (and several batches of 7 were needed).
    expect(counts.outbox_events).toBe(3);
    expect(counts.webhook_delivery_attempts).toBe(12);
    expect(counts.mail_messages).toBe(9);

    // The archive keeps the whole row and when it moved.
    const [mail] = await db.query(
      `SELECT status, to_address, archived_at FROM archive.mail_messages ORDER BY status LIMIT 1`,
    );
    expect(mail).toEqual({ status: 'failed', to_address: 'a@example.cn', archived_at: clock.now() });

    // Nothing more is due: a second run moves nothing.
    expect(Object.values(await b.get(RetentionArchiver).archiveDue()).every((n) => n === 0)).toBe(true);

    // Time passing makes the kept young rows due, never the still-needed ones.
    clock.advance(100 * 24 * 3600_000);
    await b.get(RetentionArchiver).archiveDue();
    const later = await snapshot(db);
    expect(later.outbox_events.live).toHaveLength(3); // undelivered
    expect(later.processed_events.live).toHaveLength(3); // of undelivered events
    expect(later.webhook_deliveries.live).toHaveLength(3); // pending
    expect(later.mail_messages.live).toHaveLength(6); // queued or sending
    expect(later.idempotency_keys.live).toHaveLength(0); // all expired by now
  });

  it('with two workers at once, archives each row exactly once', async () => {
    // Several batches of 7 per table, so the two runs overlap.
    const rows = await seedRetentionRows(db, clock.now(), 8);
    const seeded = Object.fromEntries(Object.entries(rows.archived).map(([t, list]) => [t, list.length]));
    const before = await snapshot(db);

    const [fromA, fromB] = await Promise.all([
      a.get(RetentionArchiver).archiveDue(),
      b.get(RetentionArchiver).archiveDue(),
    ]);

    const after = await snapshot(db);
    for (const table of TABLES) {
      expect({ table, moved: (fromA[table] ?? 0) + (fromB[table] ?? 0) }).toEqual({
        table,
        moved: seeded[table],
      });
      expect(after[table].archived).toHaveLength(seeded[table]);
      expect([...after[table].live, ...after[table].archived].sort()).toEqual(before[table].live);
    }
  });

  it('skips the rows another worker has locked mid-batch and takes the rest (SKIP LOCKED)', async () => {
    await seedRetentionRows(db, clock.now(), 2);
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      // Another worker's batch, not yet committed: two due mail rows locked.
      const held: Array<{ id: string }> = await other.query(
        `SELECT id FROM mail_messages WHERE status = 'sent' AND updated_at < $1 ORDER BY id
         LIMIT 2 FOR UPDATE`,
        [new Date(clock.now().getTime() - 90 * 24 * 3600_000)],
      );
      const counts = await b.get(RetentionArchiver).archiveDue();
      expect(counts.mail_messages).toBe(6 - held.length);
      const stillLive = await db.query(`SELECT id FROM mail_messages WHERE id = ANY($1::uuid[])`, [
        held.map((h) => h.id),
      ]);
      expect(stillLive).toHaveLength(2);
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    expect((await a.get(RetentionArchiver).archiveDue()).mail_messages).toBe(2);
  });

  it('has an archive table with every column of each archived table', async () => {
    const columns = await db.query<Array<{ table: string; live: string[]; archived: string[] }>>(
      `SELECT table_name AS "table",
              array_agg(column_name::text ORDER BY column_name) FILTER (WHERE table_schema = 'public') AS live,
              array_agg(column_name::text ORDER BY column_name) FILTER (WHERE table_schema = 'archive') AS archived
       FROM information_schema.columns WHERE table_name = ANY($1) GROUP BY table_name ORDER BY 1`,
      [TABLES],
    );
    expect(columns.map((c) => c.table)).toEqual([...TABLES].sort());
    for (const c of columns) {
      expect({ table: c.table, archived: c.archived }).toEqual({
        table: c.table,
        archived: [...c.live, 'archived_at'].sort(),
      });
    }
  });

  it('archives the values of a column a migration added while the worker ran', async () => {
    const archiver = a.get(RetentionArchiver);
    await seedRetentionRows(db, clock.now());
    await archiver.archiveDue();
    await clear(db);
    // An expand migration during a rolling deploy: the column on the live table and its archive.
    await db.query(`ALTER TABLE "public"."outbox_events" ADD COLUMN "test_note" text`);
    await db.query(`ALTER TABLE "archive"."outbox_events" ADD COLUMN "test_note" text`);
    try {
      const seeded = await seedRetentionRows(db, clock.now());
      await db.query(`UPDATE "public"."outbox_events" SET "test_note" = 'kept'`);
      const counts = await archiver.archiveDue();
      const [row] = await db.query<Array<{ noted: number; all: number }>>(
        `SELECT count(*) FILTER (WHERE "test_note" = 'kept')::int AS noted, count(*)::int AS "all"
         FROM "archive"."outbox_events"`,
      );
      expect(seeded.archived.outbox_events?.length).toBeGreaterThan(0);
      expect(counts.outbox_events).toBe(seeded.archived.outbox_events?.length);
      expect(row).toEqual({ noted: counts.outbox_events, all: counts.outbox_events });
    } finally {
      await clear(db);
      await db.query(`ALTER TABLE "archive"."outbox_events" DROP COLUMN "test_note"`);
      await db.query(`ALTER TABLE "public"."outbox_events" DROP COLUMN "test_note"`);
    }
  });

  it('rolls back without dropping archived rows, and the migration adopts them again', async () => {
    await seedRetentionRows(db, clock.now(), 1);
    await a.get(RetentionArchiver).archiveDue();
    const before = await snapshot(db);
    // Empty the archive of one table: the rollback drops that one only.
    await db.query(`DELETE FROM archive.idempotency_keys`);
    const indexes = () =>
      db.query<Array<{ name: string }>>(
        `SELECT indexname AS name FROM pg_indexes WHERE indexname = ANY($1) ORDER BY 1`,
        [['ix_outbox_events_delivered', 'ix_mail_messages_settled']],
      );
    expect(await indexes()).toHaveLength(2);

    await db.undoLastMigration({ transaction: 'each' });
    const left = await db.query<Array<{ table: string }>>(
      `SELECT table_name AS "table" FROM information_schema.tables WHERE table_schema = 'archive' ORDER BY 1`,
    );
    expect(left.map((t) => t.table)).toEqual(TABLES.filter((t) => t !== 'idempotency_keys').sort());
    expect(await indexes()).toEqual([]);

    expect(await db.runMigrations({ transaction: 'each' })).toHaveLength(1);
    const after = await snapshot(db);
    expect(after).toEqual({ ...before, idempotency_keys: { ...before.idempotency_keys, archived: [] } });
    expect(await indexes()).toHaveLength(2);
  });

  it('keeps BullMQ job history as configured (RETENTION_COMPLETED_JOBS_HOURS, RETENTION_FAILED_JOBS_DAYS)', async () => {
    const mailId = randomUUID();
    const job = await a.get(JobQueue).add(JobName.SendMail, { mailId }, { jobId: `mail-${mailId}` });
    expect(job.opts.removeOnComplete).toEqual({ age: 2 * 3600, count: 10_000 });
    expect(job.opts.removeOnFail).toEqual({ age: 3 * 24 * 3600 });
  });
});
