import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Clock } from '../../src/infra/clock/clock';
import { parseConfig } from '../../src/infra/config/config';
import { startPrivateRedis, RunningRedis } from '../../src/infra/embedded/private-redis';
import { bullConnection, bullPrefix } from '../../src/infra/queue/queue.connection';
import { QueueName } from '../../src/infra/queue/queue.constants';
import { CHALLENGE_DEADLINES, CHALLENGE_EVENTS } from '../../src/modules/call/challenges/challenge-events';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { DistProcess, freePort, startDist, stopDist } from '../support/dist-process';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/workers';

/**
 * The documented bounds (docs/adr/0037), proved with the built worker process and its default
 * timers (RECOVERY_SWEEP_INTERVAL_MS 5 s, RECOVERY_GRACE_MS 2 s, OUTBOX_POLL_INTERVAL_MS 1 s).
 */
const DEADLINE_BOUND_MS = 10_000;
const EVENT_BOUND_MS = 30_000;
/** Over each bound, for a busy 2-core machine (the bug this guards against was 69–343 s late). */
const SLACK_MS = 15_000;
/** Set RECOVERY_REPORT=1 to print the measured times. */
const REPORT = Boolean(process.env.RECOVERY_REPORT);

interface DeadlineRow {
  id: string;
  entity_id: string;
  kind: string;
  due_at: Date;
  status: string;
  updated_at: Date;
}

interface EventRow {
  id: string;
  type: string;
  aggregate_id: string;
  occurred_at: Date;
  published_at: Date | null;
  delivered_at: Date | null;
}

describe('Redis killed and replaced by an empty one under the real worker process (docs/adr/0037)', () => {
  const redisDir = mkdtempSync(join(tmpdir(), 'jiebang-replaced-redis-'));
  let port: number;
  let redis: RunningRedis | undefined;
  let t: TestApp | undefined;
  let worker: DistProcess | undefined;
  let admin: Actor;
  let issuer: Actor;
  let programId: string;

  const startRedis = () =>
    startPrivateRedis({ bin: 'redis-server', port, dir: redisDir, log: () => undefined });
  const app = () => t!;
  const query = <T>(sql: string, params: unknown[] = []) => app().dataSource.query<T[]>(sql, params);
  const deadlinesOf = (ids: string[]) =>
    query<DeadlineRow>(
      `SELECT id, entity_id, kind, due_at, status, updated_at FROM deadlines
       WHERE entity_type = 'challenge' AND entity_id = ANY($1::text[]) ORDER BY due_at`,
      [ids],
    );
  const events = () =>
    query<EventRow>(
      `SELECT id, type, aggregate_id, occurred_at, published_at, delivered_at FROM outbox_events
       ORDER BY occurred_at`,
    );
  const undelivered = async () =>
    (await query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE delivered_at IS NULL`))[0]
      .n;
  const workerLog = () => worker?.output().slice(-4000) ?? '';
  const publishList = async (opensAt: number, closesAt: number) =>
    (
      await publishChallenge(app(), issuer, admin, programId, {
        opensAt: new Date(opensAt).toISOString(),
        closesAt: new Date(closesAt).toISOString(),
      })
    ).id;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis();
    // The worker process runs on the real clock, so the API does too: due times are real times.
    t = await createTestApp({
      env: { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '100000' },
      override: (builder) => builder.overrideProvider(Clock).useValue(new Clock()),
    });
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    programId = await createProgram(t, admin);

    // The test environment shortens or stretches these for in-process tests: the worker gets the defaults.
    const env: Record<string, string> = { ...t.environment.env, LOG_LEVEL: 'info' };
    for (const key of Object.keys(env)) {
      if (/^(RECOVERY_|OUTBOX_POLL_|WORKER_LOCK|WORKER_STALLED)/.test(key)) delete env[key];
    }
    expect(parseConfig(env)).toMatchObject({
      RECOVERY_SWEEP_INTERVAL_MS: 5_000,
      RECOVERY_GRACE_MS: 2_000,
      OUTBOX_POLL_INTERVAL_MS: 1_000,
    });
    worker = startDist('worker', env);
    // Up once it has relayed and dispatched what the setup wrote.
    await waitFor(async () => (await undelivered()) === 0, {
      timeoutMs: 90_000,
      intervalMs: 100,
      what: `the worker to dispatch the setup's events (output: ${workerLog()})`,
    });
  });

  afterAll(async () => {
    try {
      await stopDist(worker, 10_000);
    } finally {
      try {
        // Also checks that every answer this file saw is documented (ADR 0038).
        await t?.close();
      } finally {
        await redis?.stop();
      }
    }
  });

  it('fires each lost deadline and dispatches each lost event once, within the bounds, opened before closed', async () => {
    // A challenge delivered normally, Redis intact: the baseline of which handlers a published challenge has.
    const before = Date.now();
    const control = await publishList(Date.now() + 90 * DAY, Date.now() + 120 * DAY);
    const perList = Date.now() - before;
    await waitFor(async () => (await undelivered()) === 0, {
      intervalMs: 100,
      what: `the control list's event (output: ${workerLog()})`,
    });

    // Relayed events now wait in the queue (as behind a backlog) until Redis loses them.
    const eventsQueue = new Queue(QueueName.Events, {
      connection: bullConnection(app().environment.config),
      prefix: bullPrefix(app().environment.config),
    });
    try {
      await eventsQueue.pause();
    } finally {
      await eventsQueue.close();
    }

    // The challenges below are due from `base`, by which time they are created (eight challenges, with room
    // to spare: twice the time the first one took, plus 3 s) and Redis is killed.
    const lead = 3_000 + 2 * 8 * perList;
    // One challenge opens on time while Redis is still there; its close is lost with Redis.
    const openedFirstAt = Date.now() + 1_000;
    const base = Date.now() + lead;
    const openedFirst = await publishList(openedFirstAt, base + 1_000);
    // Both deadlines due while Redis is down: overdue when it comes back.
    const bothOverdue: string[] = [];
    for (let i = 0; i < 3; i++)
      bothOverdue.push(await publishList(base + 500 + i * 100, base + 1_500 + i * 100));
    // Opens while Redis is down, closes once it is back.
    const closesAfter: string[] = [];
    for (let i = 0; i < 2; i++) closesAfter.push(await publishList(base + 1_000, base + 16_000 + i * 1_000));
    // Both deadlines due after Redis is back, their jobs lost all the same.
    const bothAfter: string[] = [];
    for (let i = 0; i < 2; i++)
      bothAfter.push(await publishList(base + 12_000 + i * 500, base + 14_000 + i * 500));
    const lists = [openedFirst, ...bothOverdue, ...closesAfter, ...bothAfter];

    await waitFor(
      async () =>
        (await deadlinesOf([openedFirst])).find((d) => d.kind === CHALLENGE_DEADLINES.open)?.status ===
        'done',
      { intervalMs: 50, what: `the first list to open on time (output: ${workerLog()})` },
    );

    await waitFor(
      async () =>
        (
          await query<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
          )
        )[0].n === 0,
      { intervalMs: 50, what: `the relay to enqueue every event (output: ${workerLog()})` },
    );

    // SIGKILL: every queue, delayed job and waiting job is gone.
    if (redis!.pid) process.kill(redis!.pid, 'SIGKILL');
    await redis!.stop();
    redis = undefined;
    const killedAt = Date.now();

    const lostDeadlines = (await deadlinesOf(lists)).filter((d) => d.status === 'pending');
    const lostEvents = (await events()).filter((e) => e.delivered_at === null);
    // Enough time for the setup: every deadline but the first challenge's open was still ahead.
    expect({ killedBeforeBase: killedAt < base, pending: lostDeadlines.length }).toEqual({
      killedBeforeBase: true,
      pending: 2 * lists.length - 1,
    });
    // The published events of every challenge (and the opened one) were relayed, their jobs waiting.
    const published = lostEvents.filter((e) => e.type === CHALLENGE_EVENTS.published);
    expect(published.map((e) => e.aggregate_id).sort()).toEqual([...lists].sort());
    expect(lostEvents.filter((e) => e.published_at === null)).toEqual([]);

    // Redis stays away until both deadlines of the overdue challenges have passed.
    const lastOverdueClose = Math.max(
      ...lostDeadlines.filter((d) => bothOverdue.includes(d.entity_id)).map((d) => d.due_at.getTime()),
    );
    await waitFor(async () => Date.now() > lastOverdueClose + 200, {
      intervalMs: 50,
      what: 'the overdue lists to close by the clock while Redis is down',
    });
    redis = await waitFor(() => startRedis().catch(() => null), { timeoutMs: 20_000, what: 'a new Redis' });
    const backAt = Date.now();

    const lostIds = new Set(lostDeadlines.map((d) => d.id));
    const lastDue = Math.max(...lostDeadlines.map((d) => d.due_at.getTime()));
    const settled = async () => {
      const rows = (await deadlinesOf(lists)).filter((d) => lostIds.has(d.id));
      return rows.every((d) => d.status === 'done') && (await undelivered()) === 0;
    };
    await waitFor(settled, {
      timeoutMs: Math.max(lastDue - Date.now() + DEADLINE_BOUND_MS, EVENT_BOUND_MS) + SLACK_MS,
      intervalMs: 100,
      what: `every lost deadline and event (deadlines ${JSON.stringify(
        (await deadlinesOf(lists)).map((d) => [d.entity_id, d.kind, d.status]),
      )}; worker output: ${workerLog()})`,
    });

    // Each lost deadline fired once, within the bound of its due time or of Redis's return.
    const fired = (await deadlinesOf(lists)).filter((d) => lostIds.has(d.id));
    const deadlineLatency = fired.map((d) => ({
      list: d.entity_id,
      kind: d.kind,
      dueAfterReturnMs: d.due_at.getTime() - backAt,
      lateMs: d.updated_at.getTime() - Math.max(d.due_at.getTime(), backAt),
    }));
    expect(fired.map((d) => d.status)).toEqual(fired.map(() => 'done'));
    expect(deadlineLatency.filter((d) => d.lateMs > DEADLINE_BOUND_MS + SLACK_MS)).toEqual([]);
    // Some were overdue when Redis came back, some came due after it.
    expect(deadlineLatency.some((d) => d.dueAfterReturnMs < 0)).toBe(true);
    expect(deadlineLatency.some((d) => d.dueAfterReturnMs > 0)).toBe(true);

    // Each lost event was dispatched once, within the bound of Redis's return.
    const all = await events();
    const byId = new Map(all.map((e) => [e.id, e]));
    const eventLatency = lostEvents.map((e) => ({
      type: e.type,
      lateMs: byId.get(e.id)!.delivered_at!.getTime() - backAt,
    }));
    expect(eventLatency.filter((e) => e.lateMs > EVENT_BOUND_MS + SLACK_MS)).toEqual([]);
    const handlers = await query<{ event_id: string; handlers: string[] }>(
      `SELECT e.id AS event_id, coalesce(array_agg(p.handler ORDER BY p.handler)
         FILTER (WHERE p.handler IS NOT NULL), '{}') AS handlers
       FROM outbox_events e LEFT JOIN processed_events p ON p.event_id = e.id GROUP BY e.id`,
    );
    const handlersOf = new Map(handlers.map((h) => [h.event_id, h.handlers.join(',')]));
    // Every event of a type ran the same handlers (once each: processed_events is keyed by both),
    // whether its job was lost and revived or it went through normally (the control challenge, the
    // events the late deadlines wrote after Redis came back).
    const setsByType = new Map<string, Set<string>>();
    for (const e of all) {
      setsByType.set(e.type, (setsByType.get(e.type) ?? new Set()).add(handlersOf.get(e.id) ?? ''));
    }
    expect(
      [...setsByType].filter(([, sets]) => sets.size !== 1).map(([type, sets]) => [type, [...sets]]),
    ).toEqual([]);
    expect(handlersOf.get(all.find((e) => e.aggregate_id === control)!.id)).not.toBe('');

    // Every challenge opened, then closed, once each: by status, events and audit trail.
    for (const id of lists) {
      const mine = all.filter((e) => e.aggregate_id === id);
      const of = (type: string) => mine.filter((e) => e.type === type);
      expect({ id, published: of(CHALLENGE_EVENTS.published).length }).toEqual({ id, published: 1 });
      expect({ id, opened: of(CHALLENGE_EVENTS.opened).length }).toEqual({ id, opened: 1 });
      expect({ id, closed: of(CHALLENGE_EVENTS.closed).length }).toEqual({ id, closed: 1 });
      expect(of(CHALLENGE_EVENTS.opened)[0].occurred_at.getTime()).toBeLessThan(
        of(CHALLENGE_EVENTS.closed)[0].occurred_at.getTime(),
      );
      const [{ status }] = await query<{ status: string }>(`SELECT status FROM challenges WHERE id = $1`, [
        id,
      ]);
      expect({ id, status }).toEqual({ id, status: 'closed' });
      const audit = await query<{ action: string; n: number }>(
        `SELECT action, count(*)::int AS n FROM audit_events
         WHERE object_id = $1 AND action IN ('challenge.open', 'challenge.close') GROUP BY action ORDER BY action`,
        [id],
      );
      expect({ id, audit }).toEqual({
        id,
        audit: [
          { action: 'challenge.close', n: 1 },
          { action: 'challenge.open', n: 1 },
        ],
      });
    }
    // The control challenge's deadlines are months away: still pending, never fired.
    const controlDeadlines = await deadlinesOf([control]);
    expect(controlDeadlines.map((d) => d.kind)).toEqual(
      expect.arrayContaining([CHALLENGE_DEADLINES.open, CHALLENGE_DEADLINES.close]),
    );
    expect(controlDeadlines.filter((d) => d.status !== 'pending')).toEqual([]);

    if (REPORT) {
      const max = (xs: number[]) => Math.max(...xs);
      console.log(
        [
          `Redis down ${backAt - killedAt} ms; ${fired.length} lost deadlines, ${lostEvents.length} lost events`,
          `deadlines: late by at most ${max(deadlineLatency.map((d) => d.lateMs))} ms (bound ${DEADLINE_BOUND_MS} ms)`,
          ...deadlineLatency.map(
            (d) =>
              `  ${d.kind.padEnd(16)} due ${String(d.dueAfterReturnMs).padStart(6)} ms after return, fired +${d.lateMs} ms`,
          ),
          `events: dispatched at most ${max(eventLatency.map((e) => e.lateMs))} ms after Redis was back (bound ${EVENT_BOUND_MS} ms)`,
          ...eventLatency.map((e) => `  ${e.type.padEnd(20)} +${e.lateMs} ms`),
        ].join('\n'),
      );
    }
  });
});
