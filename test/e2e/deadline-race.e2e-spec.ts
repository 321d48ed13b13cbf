import { Clock } from '../../src/infra/clock/clock';
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
import { TestClock } from '../support/test-clock';

const HOUR = 60 * 60 * 1000;

/**
 * The app's clock for the race: real time, so that the injected clock and the database clock
 * (clock_timestamp() in the deferred trigger) agree. A TestClock (what TestApp.clock is typed as,
 * and what challengeBody reads) that refuses to be moved.
 */
class RealTimeClock extends TestClock {
  override now(): Date {
    return new Date();
  }

  override set(): void {
    throw new Error('RealTimeClock follows real time: it cannot be set');
  }

  override advance(): Date {
    throw new Error('RealTimeClock follows real time: it cannot be advanced');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

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

describe('the deadline race (揭榜截止)', () => {
  /**
   * 200 submissions in 20 waves of 10, one wave every 80 ms from closesAt − 1000 ms to closesAt +
   * 520 ms. More arrive than two cores serve (≈ 50 a second here), so a queue builds up and is
   * still being served at closesAt: the early waves are accepted even on a slow machine, the later
   * ones are caught by the clock at any of its checks, some in flight by the trigger at COMMIT.
   */
  const BIDS = 200;
  const WAVE_SIZE = 10;
  const FIRST_WAVE_MS = -1000;
  const WAVE_SPACING_MS = 80;
  /** From setting closes_at to the first wave: room for the UPDATE and the timers. */
  const LEAD_MS = 1000;

  let t: TestApp;
  let applicant: Actor;
  let list: Listed;
  let drafts: PledgedDraft[];

  beforeAll(async () => {
    const clock = new RealTimeClock();
    const app = await createTestApp({
      // A production-sized pool, and no per-IP limit in the way of 200 requests from 127.0.0.1.
      env: { DATABASE_POOL_MAX: '10', RATE_LIMIT_PER_MINUTE: '100000' },
      override: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    // The app was built with `clock` (the override replaces createTestApp's TestClock); the
    // helpers that read t.clock (challengeBody, pledgedDrafts) see the same real time.
    t = { ...app, clock };
    // The server listens once, so that supertest neither starts nor stops it between waves.
    await t.app.listen(0, '127.0.0.1');

    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    const programId = await createProgram(t, admin);
    // Published with a far closesAt; moved to the moment of the race once the drafts are ready.
    const now = Date.now();
    list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - HOUR).toISOString(),
      closesAt: new Date(now + DAY).toISOString(),
    })) as unknown as Listed;
    drafts = await pledgedDrafts(t, applicant, list, BIDS);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs the app on real time, as the database does', async () => {
    expect(t.get(Clock)).toBe(t.clock);
    const before = Date.now();
    const database = await databaseNow(t);
    const after = Date.now();
    // One machine, one clock: the race below means nothing if they disagree.
    expect(database).toBeGreaterThanOrEqual(before - 50);
    expect(database).toBeLessThanOrEqual(after + 50);
  });

  it('accepts every submission that commits before closesAt, refuses every later one, loses and doubles none', async () => {
    const closesAt = new Date(Date.now() + LEAD_MS - FIRST_WAVE_MS);
    await t.dataSource.query(`UPDATE challenges SET closes_at = $2 WHERE id = $1`, [list.id, closesAt]);
    expect(Date.now()).toBeLessThan(closesAt.getTime() + FIRST_WAVE_MS);

    interface Shot {
      bid: PledgedDraft;
      sentAt: number;
      doneAt: number;
      status: number;
      body: { code?: string; detail?: string; status?: string; submittedAt?: string; version?: number };
    }
    const fire = (bid: PledgedDraft): Promise<Shot> => {
      const sentAt = Date.now();
      return t.http
        .post(submitUrl(bid.id))
        .set(applicant.headers)
        .then((res) => ({ bid, sentAt, doneAt: Date.now(), status: res.status, body: res.body }));
    };
    const waves: PledgedDraft[][] = [];
    for (let i = 0; i < drafts.length; i += WAVE_SIZE) waves.push(drafts.slice(i, i + WAVE_SIZE));
    // Timers only space the waves out; every answer is awaited, never waited for.
    const shots = (
      await Promise.all(
        waves.map(async (wave, w) => {
          await sleep(closesAt.getTime() + FIRST_WAVE_MS + w * WAVE_SPACING_MS - Date.now());
          return Promise.all(wave.map(fire));
        }),
      )
    ).flat();

    const accepted = shots.filter((s) => s.status === 200);
    const refused = shots.filter((s) => s.status !== 200);
    const closes = closesAt.getTime();
    if (process.env.RACE_REPORT) {
      const latency = shots.map((s) => s.doneAt - s.sentAt).sort((a, b) => a - b);
      const lastAccepted = Math.max(...accepted.map((s) => new Date(s.body.submittedAt!).getTime()));
      console.log(
        `deadline race: ${accepted.length} accepted, ${refused.length} refused; sent before closesAt: ` +
          `${shots.filter((s) => s.sentAt < closes).length}; last accepted ${closes - lastAccepted} ms ` +
          `before closesAt; latency p50 ${latency[latency.length >> 1]} ms, max ${latency[latency.length - 1]} ms`,
      );
      const details = new Map<string, number>();
      for (const s of refused) {
        const detail = `${s.sentAt < closes ? 'sent before' : 'sent after'}: ${s.body.detail?.replace(/ at .*/, ' at …')}`;
        details.set(detail, (details.get(detail) ?? 0) + 1);
      }
      console.log([...details].map(([d, n]) => `${n} × ${d}`).join('\n'));
    }

    // Only the two answers, and every refusal is the deadline's.
    expect(refused.map((s) => `${s.status} ${s.body.code}`)).toEqual(
      refused.map(() => '422 DEADLINE_PASSED'),
    );
    // Both outcomes happened: the race was run across closesAt.
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // A request sent at or after closesAt can never be accepted.
    expect(accepted.filter((s) => s.sentAt >= closes)).toEqual([]);

    // Each accepted bid is stored as submitted, before closesAt, as answered; each refused one is
    // still the pledged draft it was.
    const rows = new Map(
      (
        await t.dataSource.query<
          Array<{ id: string; status: string; submitted_at: Date | null; version: number }>
        >(`SELECT id, status, submitted_at, version FROM applications WHERE challenge_id = $1`, [list.id])
      ).map((r) => [r.id, r]),
    );
    expect(rows.size).toBe(BIDS);
    for (const shot of accepted) {
      const row = rows.get(shot.bid.id);
      expect(row?.status).toBe('submitted');
      expect(row?.submitted_at?.getTime()).toBeLessThan(closes);
      expect(row?.submitted_at?.toISOString()).toBe(shot.body.submittedAt);
      expect(shot.body).toMatchObject({ status: 'submitted', version: shot.bid.version + 1 });
    }
    for (const shot of refused) {
      expect(rows.get(shot.bid.id)).toMatchObject({
        status: 'draft',
        submitted_at: null,
        version: shot.bid.version,
      });
    }

    // None lost, none doubled: as many submitted rows, audit rows and events as 200s, one each.
    const acceptedIds = accepted.map((s) => s.bid.id).sort();
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
  /** A list open by the test clock (opened an hour ago, closing in ten days), with a pledged draft. */
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
    // Everything made in the recent real past by the test clock, so that the list's dates are sane.
    await travel(new Date(Date.now() - 2 * HOUR), [admin, issuer, applicant]);
    const { list, id, version } = await pledgedDraft();
    // Closed a minute ago by the database clock; the test clock an hour before that.
    await t.dataSource.query(`UPDATE challenges SET closes_at = now() - interval '1 minute' WHERE id = $1`, [
      list.id,
    ]);
    const [{ closes_at: closesAt }] = await t.dataSource.query<Array<{ closes_at: Date }>>(
      `SELECT closes_at FROM challenges WHERE id = $1`,
      [list.id],
    );
    await travel(new Date(closesAt.getTime() - HOUR), [applicant]);
    expect(t.clock.now().getTime()).toBeLessThan(closesAt.getTime());

    // The app sees the list open (it lets the bid be read as open and passes every check of its own)…
    const read = await t.http.get(`/api/v1/challenges/${list.id}`).set(applicant.headers);
    expect(read.body.status).toBe('open');
    const res = await t.http.post(submitUrl(id)).set(applicant.headers);
    // …and the deferred trigger, by the database clock, refuses at COMMIT.
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DEADLINE_PASSED', deadline: 'closesAt' });
    expect(res.body.detail).toBe('The list closed before the submission could be committed');
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
    expect(res.body.detail).toBe(`The list closed at ${new Date(list.closesAt).toISOString()}`);
    await expectNothingStored(id, version);
  });
});
