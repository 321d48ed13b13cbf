import { DataSource } from 'typeorm';
import { WorkingDaysService } from '../../src/modules/platform/calendar/working-days.service';
import { createTeam, Listed, submittedBid } from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import { Actor, bearer, createAdmin, login, outboxEvents, registerOrg } from '../support/factories';
import { commentsFor, createExpert, scoresFor, TestExpert } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

/** An ISO local time in Shanghai (UTC+8) as an instant. */
const shanghai = (local: string): Date => new Date(`${local}+08:00`);

interface YearView {
  year: number;
  loaded: boolean;
  provisional: boolean;
  source: string | null;
  version: number;
  missingWarnedAt: string | null;
  days: Array<{ date: string; kind: string; name: string; weekday: number; workingDay: boolean }>;
}

/**
 * The official working-day calendar (docs/adr/0039): the seeded years, the admin's audited edits,
 * and the deadlines counted by it through the real flows — a publicity (公示) across 元旦 and 春节
 * 2027, a review due date across 春节 — and the warning when a year is missing.
 */
describe('official working-day calendar (法定节假日与调休)', () => {
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let home: Actor;
  const bidders: Actor[] = [];
  const experts: TestExpert[] = [];

  const actors = () => [admin, issuer, home, ...bidders, ...experts.map((e) => e.actor)];
  const travel = async (to: Date) => {
    t.clock.set(to);
    for (const actor of actors()) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const year = async (y: number | string): Promise<YearView> => {
    const res = await t.http.get(`/api/v1/calendar/${y}`);
    expect(res.status).toBe(200);
    return res.body as YearView;
  };
  const auditOf = (action: string, objectId: string) =>
    t.dataSource.query<Array<{ actor_id: string | null; before: unknown; after: unknown }>>(
      `SELECT actor_id, before, after FROM audit_events WHERE action = $1 AND object_id = $2 ORDER BY occurred_at, id`,
      [action, objectId],
    );
  /** A count by a process's own WorkingDaysService (its own cache), in a transaction of its own. */
  const count = (service: WorkingDaysService, dataSource: DataSource, start: Date, days: number) =>
    dataSource.transaction((em) => service.addWorkingDays(em, start, days, 'a test count'));

  /**
   * A challenge with one eligible application whose panel of three is drawn at `drawAt` (the challenge was published
   * eleven days before and closed the day before), with the program's `settings`.
   */
  const drawnList = async (drawAt: Date, settings: Record<string, unknown>) => {
    await travel(new Date(drawAt.getTime() - 11 * DAY));
    const programId = await createProgram(t, admin, {
      settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0, ...settings },
    });
    const now = t.clock.now().getTime();
    const list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
    const bidder = await registerOrg(t, { role: 'applicant', type: 'university' });
    bidders.push(bidder);
    const team = await createTeam(t, bidder, { name: `日历团队${bidders.length}` });
    const bid = await submittedBid(t, bidder, list, team);
    ok(
      'formal check',
      await t.http
        .post(`/api/v1/applications/${bid.id}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'eligible' }),
    );
    await travel(drawAt);
    const drawn = await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    ok('draw', drawn, 201);
    const panel = await t.http.get(`/api/v1/challenges/${list.id}/review`).set(admin.headers);
    ok('panel', panel);
    return { list, bidId: bid.id, dueAt: panel.body.dueAt as string };
  };

  /** Every expert scores the application 90 and submits: the panel closes. */
  const scoreAll = async (list: Listed) => {
    for (const expert of experts) {
      const mine = await t.http
        .get('/api/v1/review-assignments')
        .query({ limit: 100 })
        .set(expert.actor.headers);
      for (const a of (mine.body.items as Array<{ id: string; challenge: { id: string } }>).filter(
        (x) => x.challenge.id === list.id,
      )) {
        const declared = await t.http
          .post(`/api/v1/review-assignments/${a.id}/declare`)
          .set(expert.actor.headers)
          .send({ conflict: false });
        ok('declare', declared);
        ok(
          'scores',
          await t.http
            .put(`/api/v1/review-assignments/${a.id}/scores`)
            .set(expert.actor.headers)
            .set('If-Match', `"${declared.body.version}"`)
            .send({ scores: scoresFor(90), comments: commentsFor() }),
        );
        ok(
          'submit',
          await t.http.post(`/api/v1/review-assignments/${a.id}/submit`).set(expert.actor.headers),
        );
      }
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-01T02:00:00.000Z');
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer', type: 'enterprise' });
    home = await registerOrg(t, { role: 'applicant', type: 'university' });
    for (let i = 0; i < 3; i++)
      experts.push(await createExpert(t, admin, home.organizationId, `日历专家${i + 1}`));
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('serves the seeded years publicly: 2025 and 2026 from the notices, 2027 provisional', async () => {
    const y2025 = await year(2025);
    expect(y2025).toMatchObject({ year: 2025, loaded: true, provisional: false });
    expect(y2025.source).toContain('国办发明电〔2024〕12号');
    expect(y2025.days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
    const y2027 = await year(2027);
    expect(y2027).toMatchObject({ year: 2027, loaded: true, provisional: true, missingWarnedAt: null });
    expect(y2027.days).toEqual(
      expect.arrayContaining([
        { date: '2027-01-01', kind: 'holiday', name: '元旦', weekday: 5, workingDay: false },
        { date: '2027-02-05', kind: 'holiday', name: '春节', weekday: 5, workingDay: false },
        { date: '2027-02-13', kind: 'workday', name: '春节', weekday: 6, workingDay: true },
      ]),
    );
    const y2031 = await year(2031);
    expect(y2031).toMatchObject({ year: 2031, loaded: false, version: 0, days: [], updatedAt: null });
  });

  it('refuses a year or a date that is not one with 400, and non-admins with 401/403, changing nothing', async () => {
    for (const bad of ['1999', '2101', '27', 'abcd', '2027.5']) {
      const res = await t.http.get(`/api/v1/calendar/${bad}`);
      expect({ bad, status: res.status, code: res.body.code }).toEqual({
        bad,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const before = await year(2027);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['2027-02-30', { kind: 'holiday', name: '春节' }, 'date'],
      ['2027-2-1', { kind: 'holiday', name: '春节' }, 'date'],
      ['20270201', { kind: 'holiday', name: '春节' }, 'date'],
      ['1999-12-31', { kind: 'holiday', name: '元旦' }, 'date'],
      ['2027-02-10', { kind: 'workday', name: '春节' }, 'kind'], // a Wednesday cannot be a make-up day
      ['2027-02-10', { kind: 'day_off', name: '春节' }, 'kind'],
      ['2027-02-10', { kind: 'holiday', name: '' }, 'name'],
      ['2027-02-10', { kind: 'holiday', name: '春节', extra: 1 }, 'extra'],
    ];
    for (const [date, body, field] of cases) {
      const res = await t.http.put(`/api/v1/calendar/days/${date}`).set(admin.headers).send(body);
      expect({ date, body, status: res.status, code: res.body.code }).toEqual({
        date,
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const badYears: Array<[Record<string, unknown>, string]> = [
      [{ source: '通知', days: [{ date: '2028-01-01', kind: 'holiday', name: '元旦' }] }, 'days[0].date'],
      [
        {
          source: '通知',
          days: [
            { date: '2027-01-01', kind: 'holiday', name: '元旦' },
            { date: '2027-01-01', kind: 'holiday', name: '元旦' },
          ],
        },
        'days[1].date',
      ],
      [{ source: '通知', days: [{ date: '2027-01-04', kind: 'workday', name: '元旦' }] }, 'days[0].kind'],
      [{ source: '通知', days: [{ date: '2027-13-01', kind: 'holiday', name: '元旦' }] }, 'days[0].date'],
      [{ source: '  ', days: [] }, 'source'],
      [{ days: [] }, 'source'],
    ];
    for (const [body, field] of badYears) {
      const res = await t.http.put('/api/v1/calendar/2027').set(admin.headers).send(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const good = { kind: 'holiday', name: '春节' };
    expect((await t.http.put('/api/v1/calendar/days/2027-02-15').send(good)).status).toBe(401);
    const forbidden = await t.http.put('/api/v1/calendar/days/2027-02-15').set(issuer.headers).send(good);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    expect((await t.http.delete('/api/v1/calendar/days/2027-02-13').set(home.headers)).status).toBe(403);
    expect(
      (await t.http.put('/api/v1/calendar/2027').set(issuer.headers).send({ source: 'x', days: [] })).status,
    ).toBe(403);
    const missing = await t.http.delete('/api/v1/calendar/days/2027-03-03').set(admin.headers);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    expect(await year(2027)).toEqual(before);
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'calendar.%'`),
    ).toEqual([{ n: 0 }]);
  });

  it('a publicity across 元旦 and 春节 2027 ends on the right day (30 working days, the 调休 days counted)', async () => {
    // Drawn Saturday 12 December 2026; scored; selected Thursday 31 December 2026 15:00 Shanghai.
    const { list } = await drawnList(shanghai('2026-12-12T10:00:00'), { publicityWorkingDays: 30 });
    await scoreAll(list);
    await travel(shanghai('2026-12-31T15:00:00'));
    const selected = await t.http
      .post(`/api/v1/challenges/${list.id}/selection`)
      .set(admin.headers)
      .send({ applicationIds: [(await bidOf(list)).id], issuerAgreement: '经对接洽谈，发榜方同意' });
    expect(selected.status).toBe(200);
    // 元旦 1 Jan off; Jan 4–8, 11–15, 18–22, 25–29 (20); Sun 31 Jan worked (21); Feb 1–4 (25);
    // 春节 5–12 Feb off; Sat 13 Feb worked (26); Feb 15–18 (30): ends Thursday 18 February 24:00.
    // Counting weekends only, it would have ended on Thursday 11 February.
    expect(selected.body.publicityEndsAt).toBe('2027-02-18T16:00:00.000Z');
    const notice = await t.http.get(`/api/v1/challenges/${list.id}/publicity`);
    expect(notice.status).toBe(200);
    expect(JSON.stringify(notice.body)).toContain('2027-02-18T16:00:00.000Z');
    const [deadline] = await t.dataSource.query<Array<{ due_at: Date }>>(
      `SELECT due_at FROM deadlines WHERE entity_id = $1 AND kind = 'challenge.publicity_end'`,
      [list.id],
    );
    expect(deadline.due_at.toISOString()).toBe('2027-02-18T16:00:00.000Z');
    expect(await outboxEvents(t, 'calendar.year_missing')).toHaveLength(0);
  });

  async function bidOf(list: Listed): Promise<{ id: string }> {
    const [row] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM applications WHERE challenge_id = $1`,
      [list.id],
    );
    return row;
  }

  it('a review due date across 春节 2027 skips the holiday and counts the make-up Saturday', async () => {
    // Drawn Monday 1 February 2027 10:00, 5 working days: Feb 2, 3, 4; 5–12 off; Sat 13; Mon 15.
    const { dueAt } = await drawnList(shanghai('2027-02-01T10:00:00'), { reviewWorkingDays: 5 });
    expect(dueAt).toBe('2027-02-15T16:00:00.000Z'); // weekends only: Monday 8 February
  });

  it("an admin's edits are audited, bump the year's version and change the count in every process", async () => {
    const api = t.get(WorkingDaysService);
    const other = worker.get(WorkingDaysService); // the worker's own cache, as another process has
    const otherDb = worker.get(DataSource);
    const start = shanghai('2027-02-04T10:00:00');
    expect((await count(api, t.dataSource, start, 2)).toISOString()).toBe('2027-02-15T16:00:00.000Z');
    expect((await count(other, otherDb, start, 2)).toISOString()).toBe('2027-02-15T16:00:00.000Z');
    const v0 = (await year(2027)).version;

    // Sat 13 February is no longer a make-up working day: Mon 15 and Tue 16.
    const removed = await t.http.delete('/api/v1/calendar/days/2027-02-13').set(admin.headers);
    expect(removed.status).toBe(200);
    expect(removed.body.version).toBe(v0 + 1);
    expect(removed.body.days.map((d: { date: string }) => d.date)).not.toContain('2027-02-13');
    expect(await auditOf('calendar.day_deleted', '2027-02-13')).toEqual([
      { actor_id: admin.userId, before: { kind: 'workday', name: '春节' }, after: null },
    ]);
    expect((await count(api, t.dataSource, start, 2)).toISOString()).toBe('2027-02-16T16:00:00.000Z');
    expect((await count(other, otherDb, start, 2)).toISOString()).toBe('2027-02-16T16:00:00.000Z');

    // Mon 15 February becomes a holiday too: Tue 16 and Wed 17.
    const set = await t.http
      .put('/api/v1/calendar/days/2027-02-15')
      .set(admin.headers)
      .send({ kind: 'holiday', name: ' 春节 ' });
    expect(set.status).toBe(200);
    expect(set.body.days).toContainEqual({
      date: '2027-02-15',
      kind: 'holiday',
      name: '春节',
      weekday: 1,
      workingDay: false,
    });
    expect(await auditOf('calendar.day_set', '2027-02-15')).toEqual([
      { actor_id: admin.userId, before: null, after: { kind: 'holiday', name: '春节' } },
    ]);
    expect((await count(other, otherDb, start, 2)).toISOString()).toBe('2027-02-17T16:00:00.000Z');

    // The notice is published: the admin loads the whole year in one go, no longer provisional.
    const seeded = await t.dataSource.query<Array<{ date: string; kind: string; name: string }>>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM calendar_days
       WHERE date BETWEEN '2027-01-01' AND '2027-12-31' AND date <> '2027-02-15' ORDER BY date`,
    );
    const days = [...seeded, { date: '2027-02-13', kind: 'workday', name: '春节' }];
    const loaded = await t.http
      .put('/api/v1/calendar/2027')
      .set(admin.headers)
      .send({ source: '国务院办公厅关于2027年部分节假日安排的通知', days });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toMatchObject({
      year: 2027,
      loaded: true,
      provisional: false,
      source: '国务院办公厅关于2027年部分节假日安排的通知',
      version: v0 + 3,
    });
    expect(loaded.body.days).toHaveLength(days.length);
    const [audit] = await auditOf('calendar.year_loaded', '2027');
    expect(audit.actor_id).toBe(admin.userId);
    expect(audit.before).toMatchObject({ loaded: true, provisional: true });
    expect(audit.after).toMatchObject({ loaded: true, provisional: false });
    expect((audit.after as { days: unknown[] }).days).toHaveLength(days.length);
    expect((await count(api, t.dataSource, start, 2)).toISOString()).toBe('2027-02-15T16:00:00.000Z');
    expect((await count(other, otherDb, start, 2)).toISOString()).toBe('2027-02-15T16:00:00.000Z');
  });

  it('a year with no calendar: the count falls back to weekends only and the admins are warned once', async () => {
    expect((await year(2028)).loaded).toBe(false);
    // Drawn Tuesday 28 December 2027, 5 working days: Dec 29, 30, 31, then 2028 by weekdays only
    // (Mon 3, Tue 4 January) — and the admins are told that 2028 is missing.
    const { dueAt } = await drawnList(shanghai('2027-12-28T10:00:00'), { reviewWorkingDays: 5 });
    expect(dueAt).toBe('2028-01-04T16:00:00.000Z');
    const events = await outboxEvents(t, 'calendar.year_missing');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ aggregate_id: '2028', data: { year: 2028 } });
    const notices = async () => {
      const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(admin.headers);
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ kind: string; title: string; body: string }>).filter(
        (n) => n.kind === 'calendar.year_missing',
      );
    };
    const [notice] = await waitFor(
      async () => {
        const found = await notices();
        return found.length ? found : null;
      },
      { what: "the admins' warning" },
    );
    expect(notice.title).toBe('工作日历缺失');
    expect(notice.body).toContain('2028年');
    expect((await year(2028)).missingWarnedAt).toBe(t.clock.now().toISOString());

    // More counts that need 2028, in both processes: no second warning.
    await count(t.get(WorkingDaysService), t.dataSource, shanghai('2027-12-30T10:00:00'), 3);
    await count(worker.get(WorkingDaysService), worker.get(DataSource), shanghai('2028-02-01T10:00:00'), 3);
    expect(await outboxEvents(t, 'calendar.year_missing')).toHaveLength(1);

    // Loaded, 2028 counts by its days (元旦: Mon 3 January off, say) and warns no more.
    const loaded = await t.http
      .put('/api/v1/calendar/2028')
      .set(admin.headers)
      .send({
        source: '国务院办公厅关于2028年部分节假日安排的通知',
        days: [
          { date: '2028-01-01', kind: 'holiday', name: '元旦' },
          { date: '2028-01-03', kind: 'holiday', name: '元旦' },
        ],
      });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toMatchObject({ year: 2028, loaded: true, provisional: false });
    const after = await count(t.get(WorkingDaysService), t.dataSource, shanghai('2027-12-28T10:00:00'), 5);
    expect(after.toISOString()).toBe('2028-01-05T16:00:00.000Z');
    expect(await outboxEvents(t, 'calendar.year_missing')).toHaveLength(1);
    expect((await notices()).length).toBe(1);
  });
});
