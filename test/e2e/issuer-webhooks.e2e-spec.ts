import { randomUUID } from 'node:crypto';
import { JsonObject } from '../../src/common/json';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, bearer, createUser, login, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { Receiver, verifyReceived } from '../support/webhook-receiver';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

interface Payload {
  id: string;
  type: string;
  data: JsonObject;
}

/**
 * Organization-scoped API keys and webhook subscriptions (issue 16 item 5, ADR 0047): an issuer's
 * user manager makes a key and subscriptions for its own organization, which receive the events
 * about that organization's own projects (payment.paid among them) and never another's.
 */
describe('issuer webhooks: keys and subscriptions of an organization', () => {
  const receiver = new Receiver();
  let t: TestApp;
  let worker: TestWorker;
  let ctx: TestContext;
  let admin: Actor;

  const asKey = (key: string) => ({ 'X-Api-Key': key });
  /** A fresh access token: the worlds move the clock by days. */
  const fresh = async (actor: Actor): Promise<Actor> => ({
    ...actor,
    headers: bearer((await login(t, actor.email)).accessToken),
  });

  async function createKey(manager: Actor, body: JsonObject = {}): Promise<{ id: string; key: string }> {
    const res = await t.http
      .post('/api/v1/api-keys')
      .set(manager.headers)
      .send({ name: '发榜方系统', ...body });
    if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, key: res.body.key };
  }

  async function subscribe(
    headers: Record<string, string>,
    path: string,
    eventTypes: string[],
  ): Promise<{ id: string; secret: string; organizationId: string | null; ownerUserId: string | null }> {
    const res = await t.http
      .post('/api/v1/webhooks')
      .set(headers)
      .send({ url: receiver.url(path), eventTypes });
    if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const payloads = (path: string): Payload[] => receiver.at(path).map((r) => JSON.parse(r.body) as Payload);
  const paidProjects = (path: string) =>
    payloads(path)
      .filter((p) => p.type === 'payment.paid')
      .map((p) => p.data.projectId);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      env: { ...WORLDS_ENV, WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    });
    worker = await startTestWorker(t.environment, t.clock);
    ctx = new TestContext(t);
    admin = await ctx.newAdmin();
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await receiver.stop();
  });

  it("an issuer's user manager makes a key and subscriptions: payment.paid for its own project, never another's", async () => {
    const issuerA = await ctx.newIssuerOrg({ name: '发榜企业甲' });
    const issuerB = await ctx.newIssuerOrg({ name: '发榜企业乙' });
    const managerA = await createUser(t, issuerA.organizationId, ['user_manager']);
    const managerB = await createUser(t, issuerB.organizationId, ['user_manager']);

    const key = await createKey(managerA, { scopes: ['webhooks:manage'] });
    const keyRow = await t.http.get('/api/v1/api-keys').set(managerA.headers);
    expect(keyRow.body.items).toEqual([
      expect.objectContaining({
        id: key.id,
        organizationId: issuerA.organizationId,
        createdBy: managerA.userId,
        scopes: ['webhooks:manage'],
      }),
    ]);
    expect(await auditRows(t, 'api_key.created', key.id)).toHaveLength(1);

    const byKey = await subscribe(asKey(key.key), '/a-key', ['payment.paid']);
    expect(byKey).toMatchObject({ organizationId: issuerA.organizationId, ownerUserId: null });
    const byManager = await subscribe(managerA.headers, '/a-manager', ['payment.paid', 'project.activated']);
    expect(byManager).toMatchObject({ organizationId: issuerA.organizationId, ownerUserId: managerA.userId });
    const ofB = await subscribe(managerB.headers, '/b-manager', ['payment.paid']);
    const platform = await subscribe(admin.headers, '/platform', ['payment.paid']);
    expect(platform.organizationId).toBeNull();

    const paidA = await ctx.newPaidTranche({ admin, issuer: issuerA });
    // The first world moved the clock by weeks: fresh tokens for the second.
    const paidB = await ctx.newPaidTranche({ admin: await fresh(admin), issuer: await fresh(issuerB) });

    // The platform gets both: once it has B's, B's event has been fanned out to every subscription.
    await waitFor(async () => paidProjects('/platform').length >= 2, {
      what: 'both payments to the platform',
    });
    await waitFor(async () => paidProjects('/a-key').length >= 1 && paidProjects('/a-manager').length >= 1, {
      what: "A's payment to A's subscriptions",
    });
    await waitFor(async () => paidProjects('/b-manager').length >= 1, { what: "B's payment to B" });
    // Every delivery queued for these events has been attempted: what a receiver lacks, it never gets.
    await waitFor(
      async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`,
        );
        return n === 0;
      },
      { what: 'no pending delivery' },
    );
    expect(paidProjects('/platform').sort()).toEqual([paidA.projectId, paidB.projectId].sort());
    expect(paidProjects('/a-key')).toEqual([paidA.projectId]);
    expect(paidProjects('/a-manager')).toEqual([paidA.projectId]);
    expect(paidProjects('/b-manager')).toEqual([paidB.projectId]);

    const [paid] = receiver.at('/a-key');
    expect(verifyReceived(byKey.secret, paid)).toMatchObject({
      type: 'payment.paid',
      data: { paymentId: paidA.payment.id, projectId: paidA.projectId, amountFen: paidA.payment.amountFen },
    });
    expect(() => verifyReceived(ofB.secret, paid)).toThrow();
    // The manager's subscription also has its own project's activation, and nothing of B's.
    const activated = payloads('/a-manager').filter((p) => p.type === 'project.activated');
    expect(activated.map((p) => p.data.projectId)).toEqual([paidA.projectId]);

    // The delivery logs agree: nothing of B's event was ever queued for A's subscriptions.
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries d
       WHERE d.subscription_id = ANY($1::uuid[]) AND d.body LIKE '%' || $2 || '%'`,
      [[byKey.id, byManager.id], paidB.projectId],
    );
    expect(n).toBe(0);
    const logged = await t.http.get(`/api/v1/webhooks/${byKey.id}/deliveries`).set(asKey(key.key));
    expect(logged.status).toBe(200);
    expect(logged.body.items).toEqual([
      expect.objectContaining({ eventType: 'payment.paid', status: 'succeeded' }),
    ]);

    // The user manager replays a delivery of its organization's key; the other organization cannot.
    const delivery = logged.body.items[0].id as string;
    const replayB = await t.http
      .post(`/api/v1/webhook-deliveries/${delivery}/replay`)
      .set((await fresh(managerB)).headers);
    expect(replayB.status).toBe(404);
    const replayA = await t.http
      .post(`/api/v1/webhook-deliveries/${delivery}/replay`)
      .set((await fresh(managerA)).headers);
    expect(replayA.status).toBe(202);
    await waitFor(async () => receiver.at('/a-key').length === 2, { what: 'the replayed delivery' });
    expect(paidProjects('/a-key')).toEqual([paidA.projectId, paidA.projectId]);
  });

  it("answers 404 for another organization's keys and subscriptions, and lets the own ones be managed", async () => {
    const issuerA = await ctx.newIssuerOrg();
    const issuerB = await ctx.newIssuerOrg();
    const managerA = await createUser(t, issuerA.organizationId, ['user_manager']);
    const managerB = await createUser(t, issuerB.organizationId, ['user_manager']);
    const keyA = await createKey(managerA);
    const subOfKey = await subscribe(asKey(keyA.key), '/own-key', ['challenge.closed']);
    const subOfManager = await subscribe(managerA.headers, '/own-manager', ['review.completed']);

    for (const res of [
      await t.http.get(`/api/v1/webhooks/${subOfKey.id}`).set(managerB.headers),
      await t.http.get(`/api/v1/webhooks/${subOfManager.id}/deliveries`).set(managerB.headers),
      await t.http.delete(`/api/v1/webhooks/${subOfManager.id}`).set(managerB.headers),
      await t.http.delete(`/api/v1/api-keys/${keyA.id}`).set(managerB.headers),
      await t.http
        .post('/api/v1/api-keys')
        .set(managerB.headers)
        .send({ name: '别人的', organizationId: issuerA.organizationId }),
      // A key sees its own subscriptions only, not its user manager's.
      await t.http.get(`/api/v1/webhooks/${subOfManager.id}`).set(asKey(keyA.key)),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const listedB = await t.http.get('/api/v1/webhooks').set(managerB.headers);
    expect(listedB.status).toBe(200);
    expect(listedB.body.items).toEqual([]);
    expect((await t.http.get('/api/v1/api-keys').set(managerB.headers)).body.items).toEqual([]);

    // A's user manager sees and manages every subscription and key of its organization.
    const listedA = await t.http.get('/api/v1/webhooks').set(managerA.headers);
    expect(listedA.body.items.map((w: { id: string }) => w.id).sort()).toEqual(
      [subOfKey.id, subOfManager.id].sort(),
    );
    const scoped = await t.http
      .post('/api/v1/api-keys')
      .set(managerA.headers)
      .send({ name: '越权', scopes: ['webhooks:manage', 'users:manage'] });
    expect(scoped.status).toBe(400);
    expect(scoped.body.errors).toEqual([
      { field: 'scopes', message: expect.stringContaining('users:manage') },
    ]);
    expect((await t.http.delete(`/api/v1/webhooks/${subOfKey.id}`).set(managerA.headers)).status).toBe(204);
    expect((await t.http.delete(`/api/v1/api-keys/${keyA.id}`).set(managerA.headers)).status).toBe(204);
    expect((await t.http.get('/api/v1/webhooks').set(asKey(keyA.key))).status).toBe(401);
    expect(await auditRows(t, 'api_key.revoked', keyA.id)).toHaveLength(1);

    // The platform still sees and revokes everything; people of other roles are refused.
    const keyB = await createKey(managerB);
    const all = await t.http.get('/api/v1/api-keys?limit=100').set((await fresh(admin)).headers);
    expect(all.body.items.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([keyA.id, keyB.id]),
    );
    const security = await createUser(t, admin.organizationId, ['security_admin']);
    const seen = await t.http.get('/api/v1/api-keys?limit=100').set(security.headers);
    expect(seen.body.items.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([keyA.id, keyB.id]),
    );
    expect((await t.http.delete(`/api/v1/api-keys/${keyB.id}`).set(security.headers)).status).toBe(204);
    const platformSub = await subscribe(security.headers, '/security', ['application.formal_checked']);
    expect(platformSub.organizationId).toBeNull();
    const everyOne = await t.http.get('/api/v1/webhooks?limit=100').set(security.headers);
    expect(everyOne.body.items.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining([subOfManager.id, platformSub.id]),
    );
    const issuerUser = await fresh(issuerA);
    expect((await t.http.get('/api/v1/api-keys').set(issuerUser.headers)).status).toBe(403);
    expect((await t.http.get('/api/v1/webhooks').set(issuerUser.headers)).status).toBe(403);
  });

  it('refuses with 422, naming them, the event types an organization would never receive', async () => {
    const applicant = await registerOrg(t, { role: 'applicant' });
    const applicantManager = await createUser(t, applicant.organizationId, ['user_manager']);
    const issuer = await ctx.newIssuerOrg();
    const issuerManager = await createUser(t, issuer.organizationId, ['user_manager']);
    const count = async () =>
      Number((await t.dataSource.query(`SELECT count(*) AS n FROM webhook_subscriptions`))[0].n);
    const before = await count();

    const asApplicant = await t.http
      .post('/api/v1/webhooks')
      .set(applicantManager.headers)
      .send({
        url: receiver.url('/x'),
        eventTypes: ['payment.paid', 'review.completed', 'objection.lodged', 'application.formal_checked'],
      });
    expect(asApplicant.status).toBe(422);
    expect(asApplicant.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(asApplicant.body).toMatchObject({
      code: 'WEBHOOK_EVENT_NOT_AVAILABLE',
      unavailableEventTypes: ['review.completed', 'objection.lodged'],
    });
    expect(asApplicant.body.availableEventTypes).toEqual(
      expect.arrayContaining(['payment.paid', 'application.formal_checked', 'challenge.published']),
    );
    expect(asApplicant.body.detail).toContain('review.completed, objection.lodged');

    const key = await createKey(issuerManager);
    for (const headers of [issuerManager.headers, asKey(key.key)]) {
      const asIssuer = await t.http
        .post('/api/v1/webhooks')
        .set(headers)
        .send({ url: receiver.url('/x'), eventTypes: ['payment.paid', 'application.formal_checked'] });
      expect(asIssuer.status).toBe(422);
      expect(asIssuer.body.unavailableEventTypes).toEqual(['application.formal_checked']);
    }
    expect(await count()).toBe(before);
  });

  it("sends an applicant its own payments as the lead, and stops a person's subscription when the person stops being user manager", async () => {
    const issuer = await ctx.newIssuerOrg();
    const applicant = await registerOrg(t, { role: 'applicant' });
    const manager = await createUser(t, applicant.organizationId, ['user_manager']);
    const key = await createKey(manager, { scopes: ['webhooks:manage'] });
    const byManager = await subscribe(manager.headers, '/lead-manager', ['payment.paid']);
    const byKey = await subscribe(asKey(key.key), '/lead-key', ['payment.paid']);
    const platform = await subscribe((await fresh(admin)).headers, '/lead-platform', ['payment.paid']);
    /** A payment.paid as the ledger writes it, for a project of `issuer` led by `leadOrganizationId`. */
    const paid = (leadOrganizationId: string): Promise<string> =>
      t.dataSource.transaction((em) =>
        t.get(OutboxService).publish(em, {
          type: 'payment.paid',
          aggregateType: 'project',
          aggregateId: randomUUID(),
          data: {
            paymentId: randomUUID(),
            projectId: randomUUID(),
            issuerOrganizationId: issuer.organizationId,
            leadOrganizationId,
            amountFen: 100,
          },
        }),
      );
    const eventsAt = async (subscriptionId: string): Promise<string[]> =>
      (
        await t.dataSource.query(`SELECT event_id FROM webhook_deliveries WHERE subscription_id = $1`, [
          subscriptionId,
        ])
      ).map((r: { event_id: string }) => r.event_id);
    /** Waits until the platform's subscription has the event: it has then been fanned out to all. */
    const fannedOut = (eventId: string) =>
      waitFor(async () => (await eventsAt(platform.id)).includes(eventId), { what: 'the fan-out' });

    const own = await paid(applicant.organizationId);
    const another = await paid((await registerOrg(t, { role: 'applicant' })).organizationId);
    await fannedOut(own);
    await fannedOut(another);
    expect(await eventsAt(byManager.id)).toEqual([own]);
    expect(await eventsAt(byKey.id)).toEqual([own]);

    // The person is no longer the organization's user manager: its subscription receives nothing
    // more; the key's subscription, the organization's, carries on.
    await ctx.changeUser(await fresh(admin), manager, { roles: ['applicant'] });
    const later = await paid(applicant.organizationId);
    await fannedOut(later);
    expect(await eventsAt(byManager.id)).toEqual([own]);
    expect((await eventsAt(byKey.id)).sort()).toEqual([own, later].sort());
  });
});
