import { randomUUID } from 'node:crypto';
import { DeliveredEvent } from '../../src/infra/events/domain-event-handler';
import { NotificationEventsHandler } from '../../src/modules/outreach/notifications/notifications.events';
import { TestContext } from '../support/context';
import { Actor, createAdmin, createUser, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

interface Item {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

describe('notifications', () => {
  let t: TestApp;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let outsider: Actor;

  const event = (type: string, data: Record<string, string | string[]>): DeliveredEvent => ({
    id: randomUUID(),
    type,
    aggregateType: 'organization',
    aggregateId: String(data.organizationId),
    data,
    occurredAt: t.clock.now(),
  });
  const notify = (e: DeliveredEvent) =>
    t.dataSource.transaction((em) => t.get(NotificationEventsHandler).notify(e, em));
  const list = (actor: Actor, query: Record<string, string | number | boolean> = {}) =>
    t.http.get('/api/v1/notifications').query(query).set(actor.headers);
  const insertMany = async (userId: string, n: number) => {
    // Pairs share a created_at, so the order must break ties by id. Rows written directly on
    // purpose: the paging of stored rows is tested, not how events make them.
    for (let i = 0; i < n; i++) {
      await t.dataSource.query(
        `INSERT INTO notifications (user_id, kind, title, body, data, created_at)
         VALUES ($1, 'test', $2, '正文', '{}', $3)`,
        [userId, `第${i}条`, new Date(Date.UTC(2027, 0, 1, 0, 0, Math.floor(i / 2)))],
      );
    }
  };
  const all = async (actor: Actor, query: Record<string, string | number | boolean> = {}) => {
    const items: Item[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res = await list(actor, { ...query, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      items.push(...(res.body.items as Item[]));
      cursor = res.body.nextCursor as string | null;
      if (!cursor) return items;
    }
    throw new Error('pagination does not end');
  };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await registerOrg(t, { role: 'applicant' });
    bob = await createUser(t, alice.organizationId, ['applicant']);
    carol = await createUser(t, alice.organizationId, ['applicant']);
    await new TestContext(t).changeUser(await createAdmin(t), carol, { enabled: false });
    outsider = await registerOrg(t, { role: 'issuer' });
  });
  afterAll(async () => t?.close());

  it('organization.verified notifies every enabled user of the organization once, in Chinese', async () => {
    const verified = event('organization.verified', { organizationId: alice.organizationId });
    await notify(verified);
    await notify(verified);
    const rows = await t.dataSource.query<Array<{ user_id: string; title: string; body: string }>>(
      `SELECT user_id, title, body FROM notifications WHERE event_id = $1 ORDER BY user_id`,
      [verified.id],
    );
    expect(rows.map((r) => r.user_id).sort()).toEqual([alice.userId, bob.userId].sort());
    expect(rows.every((r) => r.body === '您的单位已通过平台认证' && r.title === '单位认证已通过')).toBe(true);

    const res = await list(alice);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({
      kind: 'organization.verified',
      body: '您的单位已通过平台认证',
      data: { organizationId: alice.organizationId },
      readAt: null,
    });
  });

  it('user.roles_changed notifies that user only', async () => {
    const changed = event('user.roles_changed', {
      userId: bob.userId,
      organizationId: alice.organizationId,
      roles: ['issuer', 'expert'],
    });
    await notify(changed);
    const rows = await t.dataSource.query<Array<{ user_id: string; body: string }>>(
      `SELECT user_id, body FROM notifications WHERE event_id = $1`,
      [changed.id],
    );
    expect(rows).toEqual([{ user_id: bob.userId, body: '您的账号角色已变更为：发榜单位、评审专家' }]);
  });

  it('lists only the caller’s own, newest first, across keyset pages', async () => {
    await insertMany(outsider.userId, 3);
    await insertMany(alice.userId, 25);
    const mine = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
      [alice.userId],
    );
    const first = await list(alice, { limit: 10 });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(typeof first.body.nextCursor).toBe('string');

    const items = await all(alice, { limit: 7 });
    expect(items.map((i) => i.id)).toEqual(mine.map((r) => r.id));
    const outsiders = await all(outsider);
    expect(outsiders).toHaveLength(3);
    expect(outsiders.every((i) => i.kind === 'test')).toBe(true);

    const dflt = await list(alice);
    expect(dflt.body.items).toHaveLength(20);
  });

  it('marks one of your own read, filters unread, and answers 404 for another user’s', async () => {
    const [first, second] = (await list(alice, { limit: 2 })).body.items as Item[];
    const read = await t.http.post(`/api/v1/notifications/${first.id}/read`).set(alice.headers);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, readAt: t.clock.now().toISOString() });

    t.clock.advance(60_000);
    const again = await t.http.post(`/api/v1/notifications/${first.id}/read`).set(alice.headers);
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = await all(alice, { unread: true });
    expect(unread.map((i) => i.id)).not.toContain(first.id);
    expect(unread.map((i) => i.id)).toContain(second.id);
    expect(unread.every((i) => i.readAt === null)).toBe(true);

    const foreign = await t.http.post(`/api/v1/notifications/${second.id}/read`).set(outsider.headers);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    const [still] = await t.dataSource.query<Array<{ read_at: Date | null }>>(
      `SELECT read_at FROM notifications WHERE id = $1`,
      [second.id],
    );
    expect(still.read_at).toBeNull();

    const missing = await t.http.post(`/api/v1/notifications/${randomUUID()}/read`).set(alice.headers);
    expect(missing.status).toBe(404);
  });

  it('refuses bad input and anonymous callers', async () => {
    expect((await list(alice, { limit: 101 })).status).toBe(400);
    expect((await list(alice, { limit: 0 })).status).toBe(400);
    const badCursor = await list(alice, { cursor: 'bm90LWEtY3Vyc29y' });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('VALIDATION_FAILED');
    expect((await list(alice, { unread: 'maybe' })).status).toBe(400);
    expect((await t.http.post('/api/v1/notifications/not-a-uuid/read').set(alice.headers)).status).toBe(400);
    expect((await t.http.get('/api/v1/notifications')).status).toBe(401);
    expect((await t.http.post(`/api/v1/notifications/${randomUUID()}/read`)).status).toBe(401);
  });
});
