import { randomUUID } from 'node:crypto';
import { JsonObject } from '../../src/common/json';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { Resolver, WEBHOOK_RESOLVER } from '../../src/modules/outreach/webhooks/url-policy';
import { WebhookDeliveryService } from '../../src/modules/outreach/webhooks/webhook-delivery.service';
import { WebhookJobs } from '../../src/modules/outreach/webhooks/webhook-jobs';
import { WebhookReconciler } from '../../src/modules/outreach/webhooks/webhook.reconciler';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  login,
  registerOrg,
  validCreditCode,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { Receiver, verifyReceived as verify } from '../support/webhook-receiver';

const SECOND = 1000;
/** The default WEBHOOK_BACKOFF_BASE_MS: the wait after attempt n is in [B·3^(n−2), B·3^(n−1)]. */
const BASE = 40 * SECOND;

interface Attempt {
  attemptNumber: number;
  chain: number;
  chainAttempt: number;
  attemptedAt: string;
  outcome: string;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  nextAttemptAt: string | null;
}

interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: string;
  chain: number;
  nextAttemptAt: string | null;
  attempts: Attempt[];
}

describe('webhooks', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let portalA: Actor;
  let portalB: Actor;
  let keyA: { id: string; key: string };
  let keyB: { id: string; key: string };
  let programId: string;

  const asKey = (key: { key: string }) => ({ 'X-Api-Key': key.key });

  async function createKey(organizationId: string, name: string) {
    const res = await t.http.post('/api/v1/api-keys').set(admin.headers).send({ name, organizationId });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, key: res.body.key as string };
  }

  async function subscribe(
    headers: Record<string, string>,
    path: string,
    eventTypes: string[],
  ): Promise<{ id: string; secret: string }> {
    const res = await t.http
      .post('/api/v1/webhooks')
      .set(headers)
      .send({ url: receiver.url(path), eventTypes });
    if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, secret: res.body.secret };
  }

  /**
   * An outbox event as a service would write it (with the fields the notification rules read); the
   * worker's relay and fan-out take it from there.
   */
  async function emit(type: string, data: JsonObject = {}): Promise<string> {
    const full: JsonObject = {
      challengeId: randomUUID(),
      title: '测试榜单',
      issuerOrganizationId: issuer.organizationId,
      ...data,
    };
    return t.dataSource.transaction((em) =>
      t.get(OutboxService).publish(em, { type, aggregateType: 'test', aggregateId: 'x', data: full }),
    );
  }

  /** Whether the webhook fan-out has handled the event. */
  async function fannedOut(eventId: string): Promise<boolean> {
    const rows: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM processed_events WHERE event_id = $1 AND handler = 'WebhookEventsHandler.fanOut'`,
      [eventId],
    );
    return rows.length === 1;
  }

  async function deliveries(headers: Record<string, string>, webhookId: string): Promise<Delivery[]> {
    const res = await t.http.get(`/api/v1/webhooks/${webhookId}/deliveries`).set(headers);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** Waits until the only delivery of keyA's subscription has `count` attempts; returns it. */
  async function afterAttempts(webhookId: string, count: number): Promise<Delivery> {
    return waitFor(
      async () => {
        const [delivery] = await deliveries(asKey(keyA), webhookId);
        return delivery && delivery.attempts.length >= count ? delivery : null;
      },
      { what: `attempt ${count} of ${webhookId}` },
    );
  }

  /**
   * Moves the test clock to the delivery's next attempt and promotes its delayed job (BullMQ delays
   * are real time; the handler checks the due time against the test clock, so nothing runs early).
   */
  async function runNextAttempt(delivery: Delivery): Promise<void> {
    t.clock.set(delivery.nextAttemptAt as string);
    const chainAttempts = delivery.attempts.filter((a) => a.chain === delivery.chain).length;
    const payload = { deliveryId: delivery.id, chain: delivery.chain, attempt: chainAttempts + 1 };
    const job = await waitFor(() => worker.get(WebhookJobs).getJob(payload), { what: 'the retry job' });
    if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
  }

  const waitOf = (a: Attempt) => Date.parse(a.nextAttemptAt as string) - Date.parse(a.attemptedAt);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      // The test polls the API while the worker delivers: more than the default 600 requests a minute.
      env: {
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    portalA = await registerOrg(t, { role: 'issuer', type: 'government', name: '南昌市科技局' });
    portalB = await registerOrg(t, { role: 'issuer', type: 'government', name: '赣州市科技局' });
    keyA = await createKey(portalA.organizationId, '南昌门户');
    keyB = await createKey(portalB.organizationId, '赣州门户');
    programId = await createProgram(t, admin);
  });

  afterEach(async () => {
    // Each test starts without subscriptions: an event of one test reaches no other test's receiver.
    await t.dataSource.query('DELETE FROM webhook_subscriptions');
    // Tests move the clock; a fresh access token for the admin (API keys do not expire).
    admin = { ...admin, headers: bearer((await login(t, admin.email)).accessToken) };
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver.stop();
  });

  it('shows the secret once, never again, and pages the list (own for a key, all for an admin)', async () => {
    const created = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(keyA))
      .send({ url: receiver.url('/a1'), eventTypes: ['challenge.published'], description: '榜单同步' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: receiver.url('/a1'),
      eventTypes: ['challenge.published'],
      description: '榜单同步',
      status: 'enabled',
      ownerApiKeyId: keyA.id,
      ownerUserId: null,
      failingSince: null,
    });
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(await auditRows(t, 'webhook.created', created.body.id)).toHaveLength(1);

    const read = await t.http.get(`/api/v1/webhooks/${created.body.id}`).set(asKey(keyA));
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    await subscribe(asKey(keyA), '/a2', ['challenge.closed']);
    await subscribe(asKey(keyA), '/a3', ['challenge.awarded']);
    const other = await subscribe(asKey(keyB), '/b1', ['challenge.closed']);
    const mine = await subscribe(admin.headers, '/admin', ['payment.paid']);

    const first = await t.http.get('/api/v1/webhooks?limit=2').set(asKey(keyA));
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.http
      .get(`/api/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`)
      .set(asKey(keyA));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const keyAIds = [...first.body.items, ...second.body.items].map((w: { id: string }) => w.id);
    expect(keyAIds).toHaveLength(3);
    expect(keyAIds).not.toContain(other.id);
    expect(JSON.stringify([first.body, second.body])).not.toContain(secret.slice(6));

    const all = await t.http.get('/api/v1/webhooks?limit=100').set(admin.headers);
    expect(all.body.items.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining([...keyAIds, other.id, mine.id]),
    );
    expect(all.body.items.find((w: { id: string }) => w.id === mine.id)).toMatchObject({
      ownerUserId: admin.userId,
      ownerApiKeyId: null,
    });
    const [row] = await t.dataSource.query('SELECT secret FROM webhook_subscriptions WHERE id = $1', [
      created.body.id,
    ]);
    expect(row.secret).toBe(secret);
  });

  it('refuses, naming them, event types a key would never receive; admins and party keys may have them', async () => {
    const centre = await t.http.post('/api/v1/organizations').set(admin.headers).send({
      name: '江西省科技成果转化服务中心',
      type: 'service_center',
      creditCode: validCreditCode(),
      regionCode: '360000',
    });
    expect(centre.status).toBe(201);
    const portal = await createKey(centre.body.id as string, '服务中心门户');
    const nobody = await t.http.post('/api/v1/api-keys').set(admin.headers).send({ name: '无单位的密钥' });
    expect(nobody.status).toBe(201);
    const count = async () =>
      Number((await t.dataSource.query(`SELECT count(*) AS n FROM webhook_subscriptions`))[0].n);

    for (const key of [portal.key, nobody.body.key as string]) {
      const refused = await t.http
        .post('/api/v1/webhooks')
        .set(asKey({ key }))
        .send({
          url: receiver.url('/x'),
          eventTypes: ['challenge.published', 'payment.paid', 'objection.lodged'],
        });
      expect(refused.status).toBe(422);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.code).toBe('WEBHOOK_EVENT_NOT_AVAILABLE');
      expect(refused.body.unavailableEventTypes).toEqual(['payment.paid', 'objection.lodged']);
      // Besides these, an organization's key may have the events of the results it holds (ADR 0059).
      const available = refused.body.availableEventTypes as string[];
      expect(available.filter((type) => !type.startsWith('result.') || type === 'result.published')).toEqual([
        'challenge.published',
        'challenge.amended',
        'challenge.closed',
        'challenge.awarded',
        'challenge.unsuccessful',
        'selection.publicized',
        'need.refined',
        'contract.registered',
        'result.published',
      ]);
      expect(refused.body.detail).toContain('payment.paid, objection.lodged');
    }
    expect(await count()).toBe(0);

    // The public events are fine for them; a party's key and an admin may have the party events.
    const publicOnly = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(portal))
      .send({ url: receiver.url('/x'), eventTypes: ['challenge.published', 'selection.publicized'] });
    expect(publicOnly.status).toBe(201);
    const party = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(keyA))
      .send({ url: receiver.url('/x'), eventTypes: ['payment.paid', 'objection.lodged'] });
    expect(party.status).toBe(201);
    const asAdmin = await t.http
      .post('/api/v1/webhooks')
      .set(admin.headers)
      .send({ url: receiver.url('/x'), eventTypes: ['payment.paid', 'application.formal_checked'] });
    expect(asAdmin.status).toBe(201);
    expect(await count()).toBe(3);
  });

  it('refuses unknown event types and bad URLs with a clear problem, and people who are not admins', async () => {
    const unknown = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(keyA))
      .send({ url: receiver.url('/x'), eventTypes: ['challenge.published', 'challenge.deleted'] });
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.body.code).toBe('VALIDATION_FAILED');
    expect(unknown.body.errors).toEqual([
      {
        field: 'eventTypes',
        message: expect.stringContaining('each event type must be one of: challenge.published'),
      },
    ]);
    const empty = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(keyA))
      .send({ url: receiver.url('/x'), eventTypes: [] });
    expect(empty.status).toBe(400);
    const credentials = await t.http
      .post('/api/v1/webhooks')
      .set(asKey(keyA))
      .send({ url: `http://u:p@127.0.0.1:${receiver.port}/`, eventTypes: ['challenge.closed'] });
    expect(credentials.status).toBe(400);
    expect(credentials.body.errors).toEqual([{ field: 'url', message: 'url must not contain credentials' }]);

    const asIssuer = await t.http
      .post('/api/v1/webhooks')
      .set(issuer.headers)
      .send({ url: receiver.url('/x'), eventTypes: ['challenge.closed'] });
    expect(asIssuer.status).toBe(403);
    expect((await t.http.get('/api/v1/webhooks').set(issuer.headers)).status).toBe(403);
    expect((await t.http.get('/api/v1/webhooks')).status).toBe(401);
  });

  it('delivers challenge.published when a challenge is published, signed so that standardwebhooks verifies it', async () => {
    const sub = await subscribe(asKey(keyA), '/published', ['challenge.published']);
    const list = await publishChallenge(t, issuer, admin, programId);
    const [request] = await waitFor(
      async () => (receiver.at('/published').length ? receiver.at('/published') : null),
      {
        what: 'the delivery',
      },
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verify(sub.secret, request) as {
      id: string;
      type: string;
      createdAt: string;
      data: JsonObject;
    };
    expect(payload).toEqual({
      id: expect.any(String),
      type: 'challenge.published',
      createdAt: expect.any(String),
      data: expect.objectContaining({ challengeId: list.id, code: list.code, status: 'published' }),
    });
    // The public part only: the confidential details of the challenge are never sent.
    expect(request.body).not.toContain('保密');
    expect(payload.data).not.toHaveProperty('confidentialDetails');
    expect(() =>
      verify(sub.secret, { ...request, body: request.body.replace('published', 'amended') }),
    ).toThrow();

    const delivery = await waitFor(async () => {
      const [found] = await deliveries(asKey(keyA), sub.id);
      return found?.status === 'succeeded' ? found : null;
    });
    expect(request.headers['webhook-id']).toBe(delivery.id);
    expect(delivery).toMatchObject({
      webhookId: sub.id,
      eventId: payload.id,
      eventType: 'challenge.published',
      status: 'succeeded',
      nextAttemptAt: null,
    });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        outcome: 'succeeded',
        statusCode: 200,
        responseSnippet: 'ok',
        error: null,
        latencyMs: expect.any(Number),
      }),
    ]);
  });

  it('sends public events to every key, party events only to the keys of the organizations concerned', async () => {
    const a = await subscribe(asKey(keyA), '/party-a', ['payment.paid', 'challenge.closed']);
    const b = await subscribe(asKey(keyB), '/party-b', ['payment.paid', 'challenge.closed']);
    const all = await subscribe(admin.headers, '/party-admin', ['payment.paid']);
    await emit('payment.paid', {
      paymentId: 'p-1',
      projectId: randomUUID(),
      payer: 'fiscal',
      issuerOrganizationId: portalA.organizationId,
      leadOrganizationId: issuer.organizationId,
      amountFen: 1_000_000,
      internalNote: '不应外发',
    });
    await emit('challenge.closed', { title: '公开榜单' });
    await waitFor(
      async () => receiver.at('/party-a').length === 2 && receiver.at('/party-admin').length === 1,
      {
        what: 'deliveries to the parties and the admin',
      },
    );
    await waitFor(async () => receiver.at('/party-b').length === 1, { what: 'the public event to key B' });
    const typesOf = (path: string) =>
      receiver.at(path).map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(typesOf('/party-a').sort()).toEqual(['challenge.closed', 'payment.paid']);
    expect(typesOf('/party-b')).toEqual(['challenge.closed']);
    expect(typesOf('/party-admin')).toEqual(['payment.paid']);
    const paid = JSON.parse(receiver.at('/party-admin')[0].body) as { data: JsonObject };
    expect(paid.data).toMatchObject({ paymentId: 'p-1', amountFen: 1_000_000 });
    expect(paid.data).not.toHaveProperty('internalNote');
    expect(await deliveries(asKey(keyB), b.id)).toHaveLength(1);
    expect(await deliveries(asKey(keyA), a.id)).toHaveLength(2);
    expect(await deliveries(admin.headers, all.id)).toHaveLength(1);
  });

  it('retries a failing receiver with growing waits and delivers on the third attempt, same message id', async () => {
    receiver.script('/flaky', { status: 500, body: 'boom' }, { status: 500, body: 'boom again' });
    const sub = await subscribe(asKey(keyA), '/flaky', ['challenge.closed']);
    const started = t.clock.now().getTime();
    await emit('challenge.closed', { title: '重试' });

    const first = await afterAttempts(sub.id, 1);
    expect(first.status).toBe('pending');
    expect(first.attempts[0]).toMatchObject({
      outcome: 'failed',
      statusCode: 500,
      responseSnippet: 'boom',
      error: 'HTTP 500',
      nextAttemptAt: first.nextAttemptAt,
    });
    const wait1 = waitOf(first.attempts[0]);
    expect(wait1).toBeGreaterThanOrEqual(0);
    expect(wait1).toBeLessThanOrEqual(BASE);
    const failing = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA));
    expect(failing.body.failingSince).toBe(first.attempts[0].attemptedAt);

    await runNextAttempt(first);
    const second = await afterAttempts(sub.id, 2);
    expect(second.status).toBe('pending');
    expect(second.attempts[1]).toMatchObject({ attemptNumber: 2, chainAttempt: 2, statusCode: 500 });
    const wait2 = waitOf(second.attempts[1]);
    expect(wait2).toBeGreaterThanOrEqual(BASE);
    expect(wait2).toBeLessThanOrEqual(3 * BASE);
    expect(wait2).toBeGreaterThanOrEqual(wait1);

    await runNextAttempt(second);
    const third = await afterAttempts(sub.id, 3);
    expect(third).toMatchObject({ status: 'succeeded', nextAttemptAt: null });
    expect(third.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'succeeded']);
    expect(Date.parse(third.attempts[2].attemptedAt) - started).toBe(wait1 + wait2);

    const requests = receiver.at('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([third.id]));
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    for (const request of requests)
      expect(verify(sub.secret, request)).toMatchObject({ type: 'challenge.closed' });
    const healed = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA));
    expect(healed.body).toMatchObject({ status: 'enabled', failingSince: null });
  });

  it('disables the subscription at once on 410 Gone, and notifies the admin who made the key', async () => {
    receiver.script('/gone', { status: 410, body: 'gone' });
    const sub = await subscribe(asKey(keyA), '/gone', ['challenge.closed']);
    await emit('challenge.closed', { title: '已下线' });
    const delivery = await afterAttempts(sub.id, 1);
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 410, outcome: 'failed', nextAttemptAt: null });
    const read = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA));
    expect(read.body).toMatchObject({
      status: 'disabled',
      disabledReason: 'gone',
      disabledAt: expect.any(String),
    });
    expect(await auditRows(t, 'webhook.disabled', sub.id)).toHaveLength(1);
    const notice = await waitFor(
      async () => {
        const res = await t.http.get('/api/v1/notifications').set(admin.headers);
        return res.body.items.find((n: { kind: string; data: JsonObject }) => n.data.webhookId === sub.id);
      },
      { what: 'the notification' },
    );
    expect(notice).toMatchObject({ kind: 'webhook.disabled', title: 'Webhook 订阅已停用' });
    expect(notice.body).toContain('410');

    // Nothing more is delivered, and a replay is refused.
    const later = await emit('challenge.closed');
    await waitFor(() => fannedOut(later), { what: 'the fan-out of the later event' });
    expect(await deliveries(asKey(keyA), sub.id)).toHaveLength(1);
    const replay = await t.http.post(`/api/v1/webhook-deliveries/${delivery.id}/replay`).set(asKey(keyA));
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('disables a subscription whose deliveries keep failing for three days', async () => {
    receiver.script('/down', ...Array.from({ length: 10 }, () => ({ status: 502 })));
    const sub = await subscribe(asKey(keyA), '/down', ['challenge.closed']);
    await emit('challenge.closed', { title: '持续失败' });
    const first = await afterAttempts(sub.id, 1);
    expect(first.status).toBe('pending');
    expect(first.attempts[0]).toMatchObject({ statusCode: 502, error: 'HTTP 502' });
    // Three days pass before the retry runs (a long outage of the worker, say); it fails again.
    await runNextAttempt({
      ...first,
      nextAttemptAt: new Date(Date.parse(first.attempts[0].attemptedAt) + 3 * DAY).toISOString(),
    });
    const second = await afterAttempts(sub.id, 2);
    expect(second).toMatchObject({ status: 'failed', nextAttemptAt: null });
    const read = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA));
    expect(read.body).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
  });

  it('lists deliveries with their attempts, and a replay makes a new successful attempt of the same message', async () => {
    const sub = await subscribe(asKey(keyA), '/replay', ['challenge.awarded']);
    await emit('challenge.awarded', { title: '重放' });
    const delivered = await afterAttempts(sub.id, 1);
    expect(delivered.status).toBe('succeeded');

    const replay = await t.http.post(`/api/v1/webhook-deliveries/${delivered.id}/replay`).set(asKey(keyA));
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: delivered.id, status: 'pending', chain: 1 });
    expect(await auditRows(t, 'webhook.delivery_replayed', delivered.id)).toHaveLength(1);
    const replayed = await afterAttempts(sub.id, 2);
    expect(replayed).toMatchObject({ status: 'succeeded', chain: 1 });
    expect(replayed.attempts[1]).toMatchObject({
      attemptNumber: 2,
      chain: 1,
      chainAttempt: 1,
      outcome: 'succeeded',
      statusCode: 200,
    });
    const requests = receiver.at('/replay');
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
    expect(requests[1].body).toBe(requests[0].body);
    expect(verify(sub.secret, requests[1])).toMatchObject({ type: 'challenge.awarded' });
  });

  it('treats a 3xx as a failure and never follows it; a pending delivery cannot be replayed', async () => {
    receiver.script('/moved', { status: 302, headers: { location: receiver.url('/elsewhere') } });
    const sub = await subscribe(asKey(keyA), '/moved', ['challenge.closed']);
    await emit('challenge.closed', { title: '重定向' });
    const delivery = await afterAttempts(sub.id, 1);
    expect(delivery.status).toBe('pending');
    expect(delivery.attempts[0]).toMatchObject({
      outcome: 'failed',
      statusCode: 302,
      error: expect.stringContaining('not followed'),
    });
    expect(receiver.at('/elsewhere')).toEqual([]);
    const replay = await t.http.post(`/api/v1/webhook-deliveries/${delivery.id}/replay`).set(asKey(keyA));
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ code: 'INVALID_STATE_TRANSITION', state: 'pending' });
  });

  it('comes back when 429 and 503 say (Retry-After in seconds or as a date)', async () => {
    receiver.script('/busy', { status: 429, headers: { 'retry-after': '120' } });
    const sub = await subscribe(asKey(keyA), '/busy', ['challenge.closed']);
    await emit('challenge.closed', { title: '限流' });
    const first = await afterAttempts(sub.id, 1);
    expect(first.attempts[0].statusCode).toBe(429);
    expect(waitOf(first.attempts[0])).toBe(120 * SECOND);

    // The second answer asks for about five minutes after the (test) time of that attempt, as an
    // HTTP-date (whole seconds).
    const secondAt = Date.parse(first.nextAttemptAt as string);
    const retryAt = new Date(secondAt + 300 * SECOND).toUTCString();
    receiver.script('/busy', { status: 503, headers: { 'retry-after': retryAt } });
    await runNextAttempt(first);
    const second = await afterAttempts(sub.id, 2);
    expect(second.attempts[1].statusCode).toBe(503);
    expect(waitOf(second.attempts[1])).toBe(Date.parse(retryAt) - secondAt);
    expect(waitOf(second.attempts[1])).toBeGreaterThan(299 * SECOND);
    await runNextAttempt(second);
    expect((await afterAttempts(sub.id, 3)).status).toBe('succeeded');
  });

  it('checks the address again at delivery: a URL now pointing to a forbidden address is refused', async () => {
    const sub = await subscribe(asKey(keyA), '/rebound', ['challenge.closed']);
    // As if the name had been rebound, or the policy tightened, after the subscription was made:
    // raw SQL on purpose, no API stores a forbidden address (that is what is being tested).
    await t.dataSource.query(`UPDATE webhook_subscriptions SET url = $2 WHERE id = $1`, [
      sub.id,
      `http://127.0.0.2:${receiver.port}/rebound`,
    ]);
    await emit('challenge.closed', { title: '重绑定' });
    const delivery = await afterAttempts(sub.id, 1);
    expect(delivery.attempts[0]).toMatchObject({
      outcome: 'failed',
      statusCode: null,
      error: expect.stringMatching(/^refused: address 127\.0\.0\.2 is in a forbidden range: loopback/),
    });
    expect(receiver.at('/rebound')).toEqual([]);
  });

  it("hides another key's subscriptions and deliveries (404) and lets their owner delete them", async () => {
    const sub = await subscribe(asKey(keyA), '/private', ['challenge.awarded']);
    await emit('challenge.awarded', { title: '可见性' });
    const [delivery] = await waitFor(async () => {
      const found = await deliveries(asKey(keyA), sub.id);
      return found.length ? found : null;
    });
    for (const res of [
      await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyB)),
      await t.http.get(`/api/v1/webhooks/${sub.id}/deliveries`).set(asKey(keyB)),
      await t.http.post(`/api/v1/webhook-deliveries/${delivery.id}/replay`).set(asKey(keyB)),
      await t.http.delete(`/api/v1/webhooks/${sub.id}`).set(asKey(keyB)),
      await t.http.get('/api/v1/webhooks/00000000-0000-4000-8000-000000000000').set(asKey(keyA)),
      await t.http.get('/api/v1/webhooks/not-a-uuid').set(asKey(keyA)),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const listB = await t.http.get('/api/v1/webhooks').set(asKey(keyB));
    expect(listB.body.items.map((w: { id: string }) => w.id)).not.toContain(sub.id);
    expect((await t.http.get(`/api/v1/webhooks/${sub.id}`).set(admin.headers)).status).toBe(200);

    const removed = await t.http.delete(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA));
    expect(removed.status).toBe(204);
    expect((await t.http.get(`/api/v1/webhooks/${sub.id}`).set(asKey(keyA))).status).toBe(404);
    expect(await auditRows(t, 'webhook.deleted', sub.id)).toHaveLength(1);
    const [{ n }] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1',
      [sub.id],
    );
    expect(n).toBe(0);
  });

  it('re-enqueues a pending delivery whose job was lost, and records an attempt once when it runs twice', async () => {
    receiver.script('/lost', { status: 500 });
    const sub = await subscribe(asKey(keyA), '/lost', ['challenge.closed']);
    await emit('challenge.closed', { title: '任务丢失' });
    const first = await afterAttempts(sub.id, 1);
    const payload = { deliveryId: first.id, chain: 0, attempt: 2 };
    const jobs = worker.get(WebhookJobs);

    // Redis loses the job of the retry; the row still says what is due, and the reconciler restores it.
    await waitFor(async () => {
      const job = await jobs.getJob(payload);
      if (job) await job.remove().catch(() => undefined);
      return !(await jobs.getJob(payload));
    });
    expect(await worker.get(WebhookReconciler).reconcile()).toBeGreaterThanOrEqual(1);
    const restored = await jobs.getJob(payload);
    expect(restored).toBeDefined();
    expect(restored?.data).toEqual(payload);
    // (Removed again, so that only the two runs below race for the attempt.)
    await waitFor(async () => {
      const job = await jobs.getJob(payload);
      if (job) await job.remove().catch(() => undefined);
      return !(await jobs.getJob(payload));
    });

    // The same attempt run twice at once (a stalled job re-run): one attempt is recorded.
    t.clock.set(first.nextAttemptAt as string);
    const engine = worker.get(WebhookDeliveryService);
    const outcomes = await Promise.all([engine.attempt(payload), engine.attempt(payload)]);
    expect(outcomes.filter((o) => o === 'succeeded')).toHaveLength(1);
    const done = await afterAttempts(sub.id, 2);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toHaveLength(2);
    expect(receiver.at('/lost').length).toBeGreaterThanOrEqual(2);
  });
});

describe('webhook URL policy at creation (no allow-list)', () => {
  let t: TestApp;
  let admin: Actor;
  const dns: Resolver = async (hostname) => {
    const answers: Record<string, string[]> = {
      localhost: ['127.0.0.1', '::1'],
      'intranet.example': ['10.0.0.7'],
      'hooks.example': ['93.184.216.34'],
    };
    if (!answers[hostname]) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answers[hostname].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  beforeAll(async () => {
    t = await createTestApp({
      env: { WEBHOOK_ALLOW_HTTP: 'true' },
      override: (builder) => builder.overrideProvider(WEBHOOK_RESOLVER).useValue(dns),
    });
    admin = await createAdmin(t);
  });
  afterAll(async () => t?.close());

  const create = (url: string) =>
    t.http
      .post('/api/v1/webhooks')
      .set(admin.headers)
      .send({ url, eventTypes: ['challenge.published'] });

  it.each([
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is in a forbidden range: link-local/],
    ['http://127.0.0.1:5432', /127\.0\.0\.1 is in a forbidden range: loopback/],
    ['http://[::1]/', /::1 is in a forbidden range: loopback/],
    ['http://localhost:8080/hook', /\(localhost resolves to it\)/],
    ['https://intranet.example/hook', /10\.0\.0\.7 \(intranet\.example resolves to it\).*private/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://[fd12::1]/', /unique-local/],
  ])('refuses %s with 422 WEBHOOK_URL_FORBIDDEN', async (url, detail) => {
    const res = await create(url);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'WEBHOOK_URL_FORBIDDEN',
      type: 'urn:jiebang:problem:webhook-url-forbidden',
      detail: expect.stringMatching(detail),
    });
  });

  it('refuses a host that does not resolve (400) and accepts a public one', async () => {
    const unresolvable = await create('https://nowhere.example/hook');
    expect(unresolvable.status).toBe(400);
    expect(unresolvable.body.errors).toEqual([
      { field: 'url', message: expect.stringContaining('does not resolve') },
    ]);
    const ok = await create('https://hooks.example/jiebang');
    expect(ok.status).toBe(201);
    expect(await t.dataSource.query('SELECT url FROM webhook_subscriptions')).toEqual([
      { url: 'https://hooks.example/jiebang' },
    ]);
  });
});
