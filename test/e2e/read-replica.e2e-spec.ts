import { ReadReplicas, ReplicaState } from '../../src/infra/database/read-replicas';
import { createProgram, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { StreamingReplica } from '../support/streaming-replica';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Read replicas (ADR 0065, issue 19) on a REAL streaming replica: a primary cluster of this file's
 * own and a `pg_basebackup -R` replica of it, each on its own port. Anonymous public listings come
 * from the replica while it is within DATABASE_REPLICA_MAX_LAG_MS of the primary; writes and the
 * writer's own reads go to the primary; a replica past the bound, or unreachable, is skipped.
 * Replay is paused with pg_wal_replay_pause() to make the replica's answers visibly stale.
 */

const MAX_LAG_MS = 60_000;

jest.setTimeout(120_000);

describe('read replicas (real streaming replication)', () => {
  let cluster: StreamingReplica;
  let t: TestApp;
  let replicas: ReadReplicas;
  let admin: Actor;
  let issuer: Actor;
  let programId: string;

  /** A check that began after everything before it (an in-flight one is awaited first). */
  async function freshCheck(): Promise<ReplicaState> {
    await replicas.check();
    const [state] = await replicas.check();
    return state;
  }

  async function publicTitles(headers: Record<string, string> = {}): Promise<string[]> {
    const res = await t.http.get('/api/v1/challenges?limit=100').set(headers);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ title: string }>).map((item) => item.title);
  }

  /** The challenges in the OCDS feed (open data), by id. */
  async function openDataIds(): Promise<string[]> {
    const res = await t.http.get('/api/v1/open-data/ocds').query({ limit: 100 });
    expect(res.status).toBe(200);
    return (res.body.releases as Array<{ ocid: string }>).map((r) => r.ocid.replace('ocds-jiebang-', ''));
  }

  async function untilReplica(sql: string, done: (row: Record<string, unknown>) => boolean): Promise<void> {
    // Polling a server's own state, bounded by count: no business time is involved.
    for (let attempt = 0; attempt < 600; attempt++) {
      const [row] = await cluster.onReplica(sql);
      if (done(row)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the replica never satisfied: ${sql}`);
  }

  beforeAll(async () => {
    cluster = await StreamingReplica.start('jiebang_replica');
    t = await createTestApp({
      databaseUrl: cluster.primaryUrl,
      env: {
        DATABASE_REPLICA_URLS: cluster.replicaUrl,
        DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
        // The test checks by hand (freshCheck); a timer's check in between changes nothing it asserts.
        DATABASE_REPLICA_CHECK_INTERVAL_MS: '30000',
      },
    });
    replicas = t.get(ReadReplicas);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    programId = await createProgram(t, admin);
  });

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      await cluster?.stop();
    }
  });

  it('serves anonymous public listings from the replica, stale within the bound, and never writes there', async () => {
    const first = await publishChallenge(t, issuer, admin, programId, {
      title: '第一榜：高温超导电缆关键技术攻关',
    });
    // The first public read starts the checks (and is answered by the primary until one succeeds).
    expect(await publicTitles()).toEqual(['第一榜：高温超导电缆关键技术攻关']);
    const caughtUp = await freshCheck();
    expect(caughtUp).toMatchObject({ inUse: true, problem: null, caughtUpAt: t.clock.now() });

    // Replay stops: the replica keeps what it had, the primary goes on.
    await cluster.onReplica('SELECT pg_wal_replay_pause()');
    await untilReplica('SELECT pg_get_wal_replay_pause_state() AS state', (row) => row.state === 'paused');

    // The writes of the whole lifecycle (draft, submit, approve) succeed: they went to the primary
    // (a hot standby refuses every write with 25006).
    const second = await publishChallenge(t, issuer, admin, programId, {
      title: '第二榜：新型储能材料制备工艺',
    });
    const behind = await freshCheck();
    // Not caught up any more: it keeps the moment it last was, still within the bound.
    expect(behind).toMatchObject({ inUse: true, problem: null, caughtUpAt: caughtUp.caughtUpAt });
    const [{ count }] = await cluster.onReplica<{ count: string }>(
      `SELECT count(*) AS count FROM challenges WHERE id = '${second.id}'`,
    );
    expect(count).toBe('0');

    // Anonymous: the stale listing, from the replica.
    expect(await publicTitles()).toEqual(['第一榜：高温超导电缆关键技术攻关']);
    const search = await t.http.get('/api/v1/challenges').query({ q: '储能' });
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
    // Open data too: the feed's snapshot is the replica's.
    expect(await openDataIds()).toEqual([first.id]);

    // The writer reads its own writes: signed in, every read is the primary's.
    expect((await publicTitles(issuer.headers)).sort()).toEqual(
      ['第一榜：高温超导电缆关键技术攻关', '第二榜：新型储能材料制备工艺'].sort(),
    );
    const mine = await t.http.get('/api/v1/challenges?scope=mine&limit=100').set(issuer.headers);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(second.id);
    // The detail is read from the primary for everyone (its ETag guards writes).
    expect((await t.http.get(`/api/v1/challenges/${second.id}`)).status).toBe(200);

    // Past the bound (by the clock), the replica is skipped: the same anonymous listing is the primary's.
    t.clock.advance(MAX_LAG_MS + 1);
    expect(replicas.states()[0]).toMatchObject({ inUse: false, problem: null });
    expect((await publicTitles()).sort()).toEqual(
      ['第一榜：高温超导电缆关键技术攻关', '第二榜：新型储能材料制备工艺'].sort(),
    );
    expect((await openDataIds()).sort()).toEqual([first.id, second.id].sort());
    // Still behind after a check: still skipped.
    expect(await freshCheck()).toMatchObject({ inUse: false, caughtUpAt: caughtUp.caughtUpAt });

    // Replay resumes: the replica catches up, is used again, and its listing has the new challenge.
    await cluster.onReplica('SELECT pg_wal_replay_resume()');
    await untilReplica(
      `SELECT count(*)::int AS count FROM challenges WHERE id = '${second.id}'`,
      (row) => row.count === 1,
    );
    expect(await freshCheck()).toMatchObject({ inUse: true, caughtUpAt: t.clock.now() });
    expect((await publicTitles()).sort()).toEqual(
      ['第一榜：高温超导电缆关键技术攻关', '第二榜：新型储能材料制备工艺'].sort(),
    );
    expect((await openDataIds()).sort()).toEqual([first.id, second.id].sort());
  });

  it('reads from the primary when the replica goes away, and stops using it', async () => {
    expect(replicas.states()[0].inUse).toBe(true);
    await cluster.stopReplica();
    // The read that meets the dead replica is answered by the primary, not with a 503.
    expect((await publicTitles()).sort()).toEqual(
      ['第一榜：高温超导电缆关键技术攻关', '第二榜：新型储能材料制备工艺'].sort(),
    );
    expect(replicas.states()[0].inUse).toBe(false);
    const state = await freshCheck();
    expect(state.inUse).toBe(false);
    expect(state.problem).toEqual(expect.any(String));
    expect(await publicTitles()).toHaveLength(2);
  });
});
