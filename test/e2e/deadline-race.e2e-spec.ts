import { Client } from 'pg';
import { createTeam, draftBid, Listed, pledge, PledgedDraft, pledgedDrafts } from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  login,
  outboxEvents,
  registerOrg,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const HOUR = 60 * 60 * 1000;

const submitUrl = (id: string) => `/api/v1/applications/${id}/submit`;

/** The database's idea of now, in epoch milliseconds. */
async function databaseNow(t: TestApp): Promise<number> {
  const [row] = await t.dataSource.query<Array<{ ms: number }>>(
    `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`,
  );
  return row.ms;
}

async function applicationRow(t: TestApp, id: string) {
  const [row] = await t.dataSource.query<
    Array<{ status: string; submitted_at: Date | null; version: number }>
  >(`SELECT status, submitted_at, version FROM applications WHERE id = $1`, [id]);
  return row;
}

/** Polls `probe` until it holds: a bounded wait for a state, never a wait for time to pass. */
async function until(what: string, probe: () => Promise<boolean>, attempts = 3000): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** The advisory lock key of the commit gate below. */
const GATE_KEY = 4242;

/**
 * The race across closesAt, decided by the test and not by the machine's speed: both clocks are
 * the test's (the app's injected TestClock; the database's `jiebang_clock()`, replaced in this
 * file's own database by a one-row table), and a test-only deferred trigger — named to fire before
 * the deadline trigger — holds every submission at COMMIT while the test holds the gate lock. So the
 * test knows which submissions are in flight when the challenge closes: those waiting at the gate.
 *
 * 1. before closesAt: 50 submissions at once (the pool serves 10 at a time) — all accepted;
 * 2. the gate shut, 10 more (the pool's size) pass every check of the app and wait at COMMIT;
 * 3. both clocks move to closesAt, the last 40 are sent (they queue for the pool), the gate opens:
 *    the 10 in flight are refused by the database clock at COMMIT, the 40 by the app's clock.
 */
describe('the deadline race (揭榜截止)', () => {
  const POOL = 10;
  const BEFORE = 50;
  const BIDS = 100;

  let t: TestApp;
  let gate: Client;
  let applicant: Actor;
  let list: Listed & { closesAt: string };
  let drafts: PledgedDraft[];

  // On the gate's own connection: the app's pool is full of submissions waiting at the gate.
  const setDatabaseClock = (at: Date) => gate.query(`UPDATE test_database_clock SET at = $1`, [at]);
  const waitingAtGate = async () => {
    const { rows } = await gate.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted
         AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1`,
      [GATE_KEY],
    );
    return rows[0].n;
  };

  interface Shot {
    bid: PledgedDraft;
    status: number;
    body: { code?: string; detail?: string; status?: string; submittedAt?: string; version?: number };
  }
  const fire = (bid: PledgedDraft): Promise<Shot> =>
    t.http
      .post(submitUrl(bid.id))
      .set(applicant.headers)
      .then((res) => ({ bid, status: res.status, body: res.body as Shot['body'] }));

  beforeAll(async () => {
    t = await createTestApp({
      // A production-sized pool, and no per-IP limit in the way of 200 requests from 127.0.0.1.
      env: { DATABASE_POOL_MAX: String(POOL), RATE_LIMIT_PER_MINUTE: '100000' },
    });
    // The server listens once, so that supertest neither starts nor stops it between phases.
    await t.app.listen(0, '127.0.0.1');
    await t.dataSource.query(`CREATE TABLE test_database_clock (at timestamptz NOT NULL)`);
    await t.dataSource.query(`INSERT INTO test_database_clock (at) VALUES ($1)`, [t.clock.now()]);
    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION jiebang_clock() RETURNS timestamptz
      LANGUAGE sql VOLATILE AS $$ SELECT at FROM test_database_clock $$`);
    await t.dataSource.query(`
      CREATE FUNCTION test_commit_gate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${GATE_KEY}); RETURN NULL; END $$`);
    await t.dataSource.query(`
      CREATE CONSTRAINT TRIGGER "a_test_commit_gate"
      AFTER INSERT OR UPDATE OF "status" ON "applications" DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.status = 'submitted') EXECUTE FUNCTION test_commit_gate()`);
    gate = new Client({ connectionString: t.environment.config.DATABASE_URL });
    await gate.connect();

    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    const programId = await createProgram(t, admin);
    const now = t.clock.now().getTime();
    // Closing in ten minutes: well within the access tokens' life when the clocks move there.
    list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - HOUR).toISOString(),
      closesAt: new Date(now + 10 * 60_000).toISOString(),
    })) as unknown as Listed & { closesAt: string };
    drafts = await pledgedDrafts(t, applicant, list, BIDS);
  });
  afterAll(async () => {
    await gate?.end();
    await t?.close();
  });

  it('accepts every submission that commits before closesAt, refuses every later one, loses and doubles none', async () => {
    const closes = new Date(list.closesAt).getTime();
    const before = drafts.slice(0, BEFORE);
    const inFlight = drafts.slice(BEFORE, BEFORE + POOL);
    const after = drafts.slice(BEFORE + POOL);

    // 1. Before closesAt, by both clocks: all accepted.
    const early = await Promise.all(before.map(fire));
    expect(early.map((s) => s.status)).toEqual(before.map(() => 200));

    // 2. The gate shut: a pool's worth pass the app's every check and wait at COMMIT.
    await gate.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
    const flying = Promise.all(inFlight.map(fire));
    await until('every in-flight submission to wait at COMMIT', async () => (await waitingAtGate()) === POOL);

    // 3. closesAt by both clocks; the rest are sent; the gate opens.
    t.clock.set(new Date(closes));
    await setDatabaseClock(new Date(closes));
    const late = Promise.all(after.map(fire));
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE_KEY]);
    const [caught, refusedByApp] = await Promise.all([flying, late]);

    // The in-flight ones passed the app and were refused by the database clock at COMMIT…
    expect(caught.map((s) => [s.status, s.body.code, s.body.detail])).toEqual(
      caught.map(() => [
        422,
        'DEADLINE_PASSED',
        'The challenge closed before the submission could be committed',
      ]),
    );
    // …the later ones by the app's clock.
    expect(refusedByApp.map((s) => [s.status, s.body.code, s.body.detail])).toEqual(
      refusedByApp.map(() => [
        422,
        'DEADLINE_PASSED',
        `The challenge closed at ${new Date(closes).toISOString()}`,
      ]),
    );

    // Each accepted application is stored as submitted, before closesAt, as answered; each refused one is
    // still the pledged draft it was.
    const rows = new Map(
      (
        await t.dataSource.query<
          Array<{ id: string; status: string; submitted_at: Date | null; version: number }>
        >(`SELECT id, status, submitted_at, version FROM applications WHERE challenge_id = $1`, [list.id])
      ).map((r) => [r.id, r]),
    );
    expect(rows.size).toBe(BIDS);
    for (const shot of early) {
      const row = rows.get(shot.bid.id);
      expect(row?.status).toBe('submitted');
      expect(row?.submitted_at?.getTime()).toBeLessThan(closes);
      expect(row?.submitted_at?.toISOString()).toBe(shot.body.submittedAt);
      expect(shot.body).toMatchObject({ status: 'submitted', version: shot.bid.version + 1 });
    }
    for (const shot of [...caught, ...refusedByApp]) {
      expect(rows.get(shot.bid.id)).toMatchObject({
        status: 'draft',
        submitted_at: null,
        version: shot.bid.version,
      });
    }

    // None lost, none doubled: as many submitted rows, audit rows and events as 200s, one each.
    const acceptedIds = early.map((s) => s.bid.id).sort();
    const submittedIds = [...rows.values()]
      .filter((r) => r.status === 'submitted')
      .map((r) => r.id)
      .sort();
    expect(submittedIds).toEqual(acceptedIds);
    expect((await auditRows(t, 'application.submitted')).map((r) => r.object_id).sort()).toEqual(acceptedIds);
    expect((await outboxEvents(t, 'application.submitted')).map((e) => e.aggregate_id).sort()).toEqual(
      acceptedIds,
    );
  });
});

describe('the deadline: each clock has a word', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let programId: string;

  /** The clock moved, and fresh tokens for it (an access token's times are the clock's). */
  const travel = async (to: Date, actors: Actor[]) => {
    t.clock.set(to);
    for (const actor of actors) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  /** A challenge open by the test clock (opened an hour ago, closing in ten days), with a pledged draft. */
  const pledgedDraft = async () => {
    const now = t.clock.now().getTime();
    const list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - HOUR).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed & { closesAt: string };
    const team = await createTeam(t, applicant);
    const draft = await draftBid(t, applicant, list, team.id);
    const version = await pledge(t, team.leader, draft.id);
    return { list, id: draft.id, version };
  };
  const expectNothingStored = async (id: string, version: number) => {
    expect(await applicationRow(t, id)).toMatchObject({ status: 'draft', submitted_at: null, version });
    expect(await auditRows(t, 'application.submitted', id)).toEqual([]);
    expect(await outboxEvents(t, 'application.submitted', id)).toEqual([]);
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant' });
    programId = await createProgram(t, admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the database clock has the last word: the app thinks it is an hour early, the trigger refuses at COMMIT', async () => {
    // Everything made in the recent real past by the test clock, so that the challenge's dates are sane.
    await travel(new Date(Date.now() - 2 * HOUR), [admin, issuer, applicant]);
    const { list, id, version } = await pledgedDraft();
    // Closed a minute ago by the database clock; the test clock an hour before that. Raw SQL on
    // purpose: the database's now() is what decides here, and no test clock moves it.
    await t.dataSource.query(`UPDATE challenges SET closes_at = now() - interval '1 minute' WHERE id = $1`, [
      list.id,
    ]);
    const [{ closes_at: closesAt }] = await t.dataSource.query<Array<{ closes_at: Date }>>(
      `SELECT closes_at FROM challenges WHERE id = $1`,
      [list.id],
    );
    await travel(new Date(closesAt.getTime() - HOUR), [applicant]);
    expect(t.clock.now().getTime()).toBeLessThan(closesAt.getTime());

    // The app sees the challenge open (it lets the application be read as open and passes every check of its own)…
    const read = await t.http.get(`/api/v1/challenges/${list.id}`).set(applicant.headers);
    expect(read.body.status).toBe('open');
    const res = await t.http.post(submitUrl(id)).set(applicant.headers);
    // …and the deferred trigger, by the database clock, refuses at COMMIT.
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DEADLINE_PASSED', deadline: 'closesAt' });
    expect(res.body.detail).toBe('The challenge closed before the submission could be committed');
    await expectNothingStored(id, version);
  });

  it('the injected clock has a word too: past closesAt by the app, before it by the database → 422', async () => {
    await travel(new Date('2027-03-01T02:00:00.000Z'), [admin, issuer, applicant]);
    const { list, id, version } = await pledgedDraft();
    expect(await databaseNow(t)).toBeLessThan(new Date(list.closesAt).getTime());
    await travel(new Date(list.closesAt), [applicant]);

    const res = await t.http.post(submitUrl(id)).set(applicant.headers);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DEADLINE_PASSED', deadline: 'closesAt' });
    expect(res.body.detail).toBe(`The challenge closed at ${new Date(list.closesAt).toISOString()}`);
    await expectNothingStored(id, version);
  });
});
