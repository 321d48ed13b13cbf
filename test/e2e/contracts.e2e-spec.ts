import { randomUUID } from 'node:crypto';
import type { UserPrincipal } from '../../src/common/auth/principal';
import { OutboxService } from '../../src/infra/events/outbox.service';
import { ContractRegistrationService } from '../../src/modules/transfer/contracts/contract-registration.service';
import { TestContext, WORLDS_ENV } from '../support/context';
import { Actor, auditRows, bearer, createUser, login, outboxEvents, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
const ifMatch = (actor: Actor, version: number) => ({ ...actor.headers, 'If-Match': `"${version}"` });

interface Contract {
  id: string;
  version: number;
  status: string;
  registrationNumber: string | null;
  returnReason: string | null;
  attachmentIds: string[];
}

/**
 * Technology contract records (技术合同登记, ADR 0061): filed by a party, registered by a registrar
 * with JS-<region>-<year>-<seq> (no gaps, no duplicates, also under 50 concurrent registrations and
 * after a rollback), returned with a reason; the public list and figures; bad input refused with
 * nothing changed. The clock stands at 2027-06-20 10:00 in Beijing.
 */
describe('technology contracts (技术合同登记)', () => {
  let t: TestApp;
  let ctx: TestContext;
  let worker: TestWorker;
  let admin: Actor;
  /** The seller (a university, applicant role) files; the buyer is an enterprise (issuer role). */
  let seller: Actor;
  let buyer: Actor;
  let stranger: Actor;
  let registrar: Actor;
  let secondRegistrar: Actor;
  /** A user of the service centre who is not a registrar. */
  let centreUser: Actor;
  let broker: Actor;

  const NOW = '2027-06-20T02:00:00.000Z';

  const body = (over: Record<string, unknown> = {}) => ({
    title: '高温超导带材制备技术许可合同',
    type: 'licence',
    sellerOrganizationId: seller.organizationId,
    buyerOrganizationId: buyer.organizationId,
    contractAmountFen: 300_000_000,
    technologyTransactionAmountFen: 250_000_000,
    signedOn: '2027-06-18',
    regionCode: '360100',
    industryChain: 'new_materials',
    ...over,
  });
  const create = (over: Record<string, unknown> = {}, actor: Actor = seller) =>
    t.http.post('/api/v1/contracts').set(actor.headers).send(body(over));
  const drafted = async (over: Record<string, unknown> = {}, actor: Actor = seller): Promise<Contract> => {
    const res = await create(over, actor);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Contract;
  };
  const act = (id: string, action: string, actor: Actor, send?: Record<string, unknown>) =>
    t.http
      .post(`/api/v1/contracts/${id}/${action}`)
      .set(actor.headers)
      .send(send ?? {});
  const submitted = async (over: Record<string, unknown> = {}): Promise<Contract> => {
    const draft = await drafted(over);
    const res = await act(draft.id, 'submit', seller);
    if (res.status !== 200) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Contract;
  };
  const registered = async (over: Record<string, unknown> = {}): Promise<Contract> => {
    const contract = await submitted(over);
    const res = await act(contract.id, 'register', registrar);
    if (res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Contract;
  };
  const counter = async (regionCode: string): Promise<number | null> => {
    const [row] = await t.dataSource.query<Array<{ last_value: number }>>(
      `SELECT last_value FROM technology_contract_counters WHERE region_code = $1 AND year = 2027`,
      [regionCode],
    );
    return row?.last_value ?? null;
  };
  const counts = async () => {
    const [row] = await t.dataSource.query<Array<{ contracts: string; audits: string; events: string }>>(
      `SELECT (SELECT count(*) FROM technology_contracts) AS contracts,
              (SELECT count(*) FROM audit_events WHERE action LIKE 'contract.%') AS audits,
              (SELECT count(*) FROM outbox_events WHERE type LIKE 'contract.%') AS events`,
    );
    return row;
  };
  const notificationsOf = async (actor: Actor, kind: string) => {
    const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(actor.headers);
    return (
      res.body.items as Array<{ kind: string; title: string; body: string; data: { contractId?: string } }>
    ).filter((n) => n.kind === kind);
  };
  const notified = (actor: Actor, kind: string, contractId: string) =>
    waitFor(async () => (await notificationsOf(actor, kind)).find((n) => n.data.contractId === contractId), {
      what: `${kind} notification of ${contractId}`,
    });

  beforeAll(async () => {
    // 50 registrations at once queue for the pooled connections and the region's counter row: on a
    // busy machine the last wait longer than the default 5 s for a connection (a 503, the service
    // shedding load), which is not what this file tests.
    t = await createTestApp({ env: { ...WORLDS_ENV, DATABASE_POOL_WAIT_MS: '120000' } });
    ctx = new TestContext(t);
    t.clock.set(NOW);
    worker = await startTestWorker(t.environment, t.clock);
    admin = await ctx.newAdmin();
    seller = await ctx.newApplicantOrg({ type: 'university', name: '南昌大学' });
    buyer = await ctx.newIssuerOrg({ name: '江西某新材料有限公司' });
    stranger = await ctx.newIssuerOrg({ name: '江西某化工有限公司' });
    const centre = await registerOrg(t, {
      role: 'applicant',
      type: 'service_center',
      name: '南昌技术转移中心',
    });
    centreUser = centre;
    registrar = await createUser(t, centre.organizationId, ['registrar']);
    secondRegistrar = await createUser(t, centre.organizationId, ['registrar']);
    broker = await createUser(t, centre.organizationId, ['applicant'], undefined, '王经纪');
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('files, registers with JS-<region>-<year>-<seq>, audits, publishes and notifies the filing party', async () => {
    const create = await t.http.post('/api/v1/contracts').set(seller.headers).send(body());
    expect(create.status).toBe(201);
    expect(create.headers.etag).toBe('"1"');
    expect(create.body).toMatchObject({
      status: 'draft',
      registrationNumber: null,
      type: 'licence',
      filedByOrganizationId: seller.organizationId,
      contractAmountFen: 300_000_000,
      technologyTransactionAmountFen: 250_000_000,
      signedOn: '2027-06-18',
      industryChain: 'new_materials',
      confidential: false,
      version: 1,
    });
    const id = create.body.id as string;
    expect(await auditRows(t, 'contract.created', id)).toHaveLength(1);
    // The other party reads the draft; a registrar does not see it before it is filed.
    expect((await t.http.get(`/api/v1/contracts/${id}`).set(buyer.headers)).status).toBe(200);
    expect((await t.http.get(`/api/v1/contracts/${id}`).set(registrar.headers)).status).toBe(404);

    const submit = await t.http.post(`/api/v1/contracts/${id}/submit`).set(ifMatch(seller, 1));
    expect(submit.status).toBe(200);
    expect(submit.body).toMatchObject({ status: 'submitted', version: 2 });
    expect(submit.body.submittedAt).toBe(NOW);
    expect((await outboxEvents(t, 'contract.submitted', id))[0].data).toMatchObject({
      contractId: id,
      filedByOrganizationId: seller.organizationId,
    });
    await notified(seller, 'contract.submitted', id);
    await notified(registrar, 'contract.submitted', id);

    const register = await act(id, 'register', registrar);
    expect(register.status).toBe(200);
    expect(register.body).toMatchObject({
      status: 'registered',
      registrationNumber: 'JS-360100-2027-0001',
      registeredAt: NOW,
      version: 3,
    });
    expect(await auditRows(t, 'contract.registered', id)).toEqual([
      expect.objectContaining({ actor_type: 'user', actor_id: registrar.userId }),
    ]);
    const [event] = await outboxEvents(t, 'contract.registered', id);
    expect(event.data).toMatchObject({ registrationNumber: 'JS-360100-2027-0001', regionCode: '360100' });
    const toSeller = await notified(seller, 'contract.registered', id);
    expect(toSeller.title).toBe('技术合同已登记');
    expect(toSeller.body).toContain('JS-360100-2027-0001');
    // Registered is final.
    const again = await act(id, 'register', registrar);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('returns with a reason; the party corrects it and files it again; the registrar registers it', async () => {
    const contract = await submitted({ regionCode: '360400' });
    const returned = await act(contract.id, 'return', secondRegistrar, { reason: '技术交易额认定依据不足' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: '技术交易额认定依据不足' });
    const note = await notified(seller, 'contract.returned', contract.id);
    expect(note.body).toContain('技术交易额认定依据不足');
    expect(await outboxEvents(t, 'contract.returned', contract.id)).toHaveLength(1);

    const stale = await t.http
      .patch(`/api/v1/contracts/${contract.id}`)
      .set(ifMatch(seller, 1))
      .send({ technologyTransactionAmountFen: 200_000_000 });
    expect(stale.status).toBe(409);
    const edited = await t.http
      .patch(`/api/v1/contracts/${contract.id}`)
      .set(ifMatch(seller, returned.body.version as number))
      .send({ technologyTransactionAmountFen: 200_000_000 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'returned', technologyTransactionAmountFen: 200_000_000 });
    expect(await auditRows(t, 'contract.updated', contract.id)).toHaveLength(1);

    expect((await act(contract.id, 'submit', buyer)).status).toBe(200);
    const register = await act(contract.id, 'register', admin);
    expect(register.status).toBe(200);
    expect(register.body).toMatchObject({ registrationNumber: 'JS-360400-2027-0001', returnReason: null });
  });

  it('lets only registrars and admins register, and hides drafts from other organizations (404)', async () => {
    const draft = await drafted();
    for (const who of [stranger, registrar]) {
      expect((await t.http.get(`/api/v1/contracts/${draft.id}`).set(who.headers)).status).toBe(404);
    }
    const strangerPatch = await t.http
      .patch(`/api/v1/contracts/${draft.id}`)
      .set(stranger.headers)
      .send({ title: '篡改' });
    expect(strangerPatch.status).toBe(404);
    expect((await act(draft.id, 'submit', stranger)).status).toBe(404);
    expect((await act(draft.id, 'withdraw', stranger)).status).toBe(404);
    expect((await act(draft.id, 'register', registrar)).status).toBe(404);
    const listed = await t.http.get('/api/v1/contracts').query({ limit: 100 }).set(stranger.headers);
    expect(listed.status).toBe(200);
    expect((listed.body.items as Contract[]).map((c) => c.id)).not.toContain(draft.id);

    expect((await act(draft.id, 'submit', seller)).status).toBe(200);
    for (const who of [seller, buyer, stranger, centreUser]) {
      const res = await act(draft.id, 'register', who);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect((await act(draft.id, 'return', who, { reason: '不予登记' })).status).toBe(403);
    }
    expect((await t.http.post(`/api/v1/contracts/${draft.id}/register`)).status).toBe(401);
    const [row] = await t.dataSource.query(`SELECT status FROM technology_contracts WHERE id = $1`, [
      draft.id,
    ]);
    expect(row.status).toBe('submitted');
    // The registrar lists filed contracts, never drafts.
    const filed = await t.http
      .get('/api/v1/contracts')
      .query({ limit: 100, status: 'submitted' })
      .set(registrar.headers);
    expect((filed.body.items as Contract[]).map((c) => c.id)).toContain(draft.id);
  });

  it('withdraws before registration; a withdrawn contract moves no more (409)', async () => {
    const draft = await drafted();
    const withdrawn = await act(draft.id, 'withdraw', seller);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect(await auditRows(t, 'contract.withdrawn', draft.id)).toHaveLength(1);
    const submit = await act(draft.id, 'submit', seller);
    expect(submit.status).toBe(409);
    expect(submit.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  describe('bad input: 400/422 naming the field, nothing changed', () => {
    let retired: string;
    beforeAll(async () => {
      retired = await ctx.newRetiredIndustryChain(admin);
    });

    const cases: Array<[string, () => Record<string, unknown>, number, string]> = [
      [
        'technology amount above the contract amount',
        () => ({ technologyTransactionAmountFen: 300_000_001 }),
        422,
        'technologyTransactionAmountFen',
      ],
      ['a negative contract amount', () => ({ contractAmountFen: -1 }), 400, 'contractAmountFen'],
      [
        'a negative technology amount',
        () => ({ technologyTransactionAmountFen: -5 }),
        400,
        'technologyTransactionAmountFen',
      ],
      ['a fractional amount', () => ({ contractAmountFen: 10.5 }), 400, 'contractAmountFen'],
      ['an unknown type', () => ({ type: 'gift' }), 400, 'type'],
      ['an unknown industry chain', () => ({ industryChain: 'no_such_chain' }), 422, 'industryChain'],
      ['a retired industry chain', () => ({ industryChain: retired }), 422, 'industryChain'],
      ['an unknown region', () => ({ regionCode: '990000' }), 422, 'regionCode'],
      ['a county below a zero city part', () => ({ regionCode: '360005' }), 422, 'regionCode'],
      ['a malformed region', () => ({ regionCode: '36A100' }), 400, 'regionCode'],
      ['a signing date after today (Beijing)', () => ({ signedOn: '2027-06-21' }), 422, 'signedOn'],
      ['a date that does not exist', () => ({ signedOn: '2027-02-30' }), 422, 'signedOn'],
      ['a malformed date', () => ({ signedOn: '20270618' }), 400, 'signedOn'],
      [
        'the same organization on both sides',
        () => ({ buyerOrganizationId: seller.organizationId }),
        422,
        'buyerOrganizationId',
      ],
      ['an unknown buyer', () => ({ buyerOrganizationId: randomUUID() }), 422, 'buyerOrganizationId'],
      // The caller (the seller's user) names two other organizations.
      [
        'a caller of neither party',
        () => ({ sellerOrganizationId: stranger.organizationId }),
        422,
        'sellerOrganizationId',
      ],
      ['an unknown project', () => ({ projectId: randomUUID() }), 422, 'projectId'],
      ['an unknown need', () => ({ needId: randomUUID() }), 422, 'needId'],
      ['an unknown result', () => ({ resultId: randomUUID() }), 422, 'resultId'],
      ['an unknown broker', () => ({ brokerUserId: randomUUID() }), 422, 'brokerUserId'],
      [
        'an attachment of another organization',
        () => ({ attachments: [{ attachmentId: randomUUID() }] }),
        400,
        'attachments[0].attachmentId',
      ],
      ['an unknown field', () => ({ registrationNumber: 'JS-360100-2027-9999' }), 400, 'registrationNumber'],
    ];

    it.each(cases)('refuses %s', async (_what, over, status, field) => {
      const before = await counts();
      const res = await t.http.post('/api/v1/contracts').set(seller.headers).send(body(over()));
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe(status === 400 ? 'VALIDATION_FAILED' : 'BUSINESS_RULE_VIOLATION');
      expect(fields(res.body)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('refuses the same on a change of a draft, leaving the row as it was', async () => {
      const draft = await drafted();
      const before = await counts();
      const res = await t.http
        .patch(`/api/v1/contracts/${draft.id}`)
        .set(seller.headers)
        .send({ contractAmountFen: 100 });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['technologyTransactionAmountFen']);
      expect(await counts()).toEqual(before);
      const [row] = await t.dataSource.query(
        `SELECT contract_amount_fen, version FROM technology_contracts WHERE id = $1`,
        [draft.id],
      );
      expect(row).toEqual({ contract_amount_fen: '300000000', version: 1 });
    });

    it('reads today as the Beijing date: signed "tomorrow" by UTC is today in Beijing', async () => {
      t.clock.set('2027-06-20T17:00:00.000Z'); // 2027-06-21 01:00 in Beijing
      try {
        // A session of that time (the access token of NOW has expired by then).
        const later = { ...seller, headers: bearer((await login(t, seller.email)).accessToken) };
        expect((await create({ signedOn: '2027-06-21' }, later)).status).toBe(201);
        const tomorrow = await create({ signedOn: '2027-06-22' }, later);
        expect(tomorrow.status).toBe(422);
        expect(fields(tomorrow.body)).toEqual(['signedOn']);
      } finally {
        t.clock.set(NOW);
      }
    });
  });

  it('gives 50 concurrent registrations 50 consecutive numbers: none skipped, none repeated', async () => {
    const contracts: Contract[] = [];
    for (let i = 0; i < 50; i++) contracts.push(await submitted({ regionCode: '360700' }));
    const answers = await Promise.all(
      contracts.map((c, i) => act(c.id, 'register', i % 2 ? registrar : secondRegistrar)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const numbers = answers.map((a) => a.body.registrationNumber as string).sort();
    expect(numbers).toEqual(
      Array.from({ length: 50 }, (_, i) => `JS-360700-2027-${String(i + 1).padStart(4, '0')}`),
    );
    expect(await counter('360700')).toBe(50);
    const [row] = await t.dataSource.query(
      `SELECT count(DISTINCT registration_number)::int AS n FROM technology_contracts WHERE region_code = '360700'`,
    );
    expect(row.n).toBe(50);
  });

  it('gives the number back when the registration fails after taking it: no gap', async () => {
    const first = await registered({ regionCode: '360800' });
    expect(first.registrationNumber).toBe('JS-360800-2027-0001');
    const failing = await submitted({ regionCode: '360800' });
    const outbox = t.get(OutboxService);
    const spy = jest.spyOn(outbox, 'publish').mockRejectedValueOnce(new Error('the outbox is down'));
    const principal: UserPrincipal = {
      kind: 'user',
      userId: registrar.userId,
      organizationId: registrar.organizationId,
      roles: ['registrar'],
    };
    try {
      // The service itself: an HTTP answer 500 would fail the suite's contract check.
      await expect(
        t.get(ContractRegistrationService).register(principal, failing.id, undefined),
      ).rejects.toThrow('the outbox is down');
    } finally {
      spy.mockRestore();
    }
    const [row] = await t.dataSource.query(
      `SELECT status, registration_number FROM technology_contracts WHERE id = $1`,
      [failing.id],
    );
    expect(row).toEqual({ status: 'submitted', registration_number: null });
    expect(await counter('360800')).toBe(1);
    const retry = await act(failing.id, 'register', registrar);
    expect(retry.body.registrationNumber).toBe('JS-360800-2027-0002');
  });

  it('replays a repeated Idempotency-Key: one contract, one number', async () => {
    const key = `contract-${randomUUID()}`;
    const first = await t.http
      .post('/api/v1/contracts')
      .set(seller.headers)
      .set('Idempotency-Key', key)
      .send(body());
    const replay = await t.http
      .post('/api/v1/contracts')
      .set(seller.headers)
      .set('Idempotency-Key', key)
      .send(body());
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const other = await t.http
      .post('/api/v1/contracts')
      .set(seller.headers)
      .set('Idempotency-Key', key)
      .send(body({ title: '另一份合同' }));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect((await act(first.body.id as string, 'submit', seller)).status).toBe(200);
    const registerKey = `register-${randomUUID()}`;
    const register = () =>
      t.http
        .post(`/api/v1/contracts/${first.body.id as string}/register`)
        .set(registrar.headers)
        .set('Idempotency-Key', registerKey)
        .send({});
    const once = await register();
    const twice = await register();
    expect(twice.status).toBe(200);
    expect(twice.body.registrationNumber).toBe(once.body.registrationNumber);
    expect(await auditRows(t, 'contract.registered', first.body.id as string)).toHaveLength(1);
  });

  it('lists registered contracts publicly: no broker, no person, no parties when confidential', async () => {
    // A result of the seller's (a draft is enough: the contract names an existing result).
    const result = await t.http
      .post('/api/v1/results')
      .set(seller.headers)
      .send({
        title: '高温超导带材制备技术',
        abstract: '高温超导带材连续制备工艺',
        type: 'patent',
        industryChain: 'new_materials',
        keywords: ['超导'],
        trlClaimed: 5,
        ipRecords: [],
        holders: [{ name: '南昌大学', organizationId: seller.organizationId }],
        transferModes: ['assignment'],
      });
    if (result.status !== 201) throw new Error(`result: ${result.status} ${JSON.stringify(result.body)}`);
    const resultId = result.body.id as string;
    const open = await registered({
      regionCode: '361100',
      type: 'transfer',
      brokerUserId: broker.userId,
      resultId,
    });
    const secret = await registered({
      regionCode: '361100',
      type: 'development',
      industryChain: 'new_materials',
      confidential: true,
      brokerUserId: broker.userId,
    });
    const list = await t.http.get('/api/v1/contracts/registered').query({ region: '361100', limit: 100 });
    expect(list.status).toBe(200);
    const listed = list.body.items as Array<Record<string, unknown>>;
    expect(listed.map((i) => i.id).sort()).toEqual([secret.id, open.id].sort());
    // Both were registered at the same instant: find each by id.
    const items = [secret.id, open.id].map(
      (id) => listed.find((i) => i.id === id) as Record<string, unknown>,
    );
    expect(items[1]).toMatchObject({
      registrationNumber: open.registrationNumber,
      type: 'transfer',
      contractAmountFen: 300_000_000,
      technologyTransactionAmountFen: 250_000_000,
      regionCode: '361100',
      industryChain: 'new_materials',
      confidential: false,
      seller: { organizationId: seller.organizationId, name: '南昌大学' },
      buyer: { organizationId: buyer.organizationId, name: '江西某新材料有限公司' },
      resultId,
    });
    expect(items[0]).toMatchObject({ confidential: true, registrationNumber: secret.registrationNumber });
    expect(items[0]).not.toHaveProperty('seller');
    expect(items[0]).not.toHaveProperty('buyer');
    const text = JSON.stringify(list.body);
    for (const hidden of [
      broker.userId,
      '王经纪',
      'brokerUserId',
      'createdBy',
      'registeredBy',
      registrar.userId,
    ]) {
      expect(text).not.toContain(hidden);
    }
    expect(JSON.stringify(items[0])).not.toContain(seller.organizationId);
    // No draft, submitted or returned contract is ever public.
    expect(
      (await t.http.get('/api/v1/contracts/registered').query({ limit: 100 })).body.items,
    ).not.toContainEqual(expect.objectContaining({ registrationNumber: null }));

    // A result's transfers are listed on it once it is in the public library (404 before).
    const transfersOf = () => t.http.get(`/api/v1/results/${resultId}/transfers`);
    expect((await transfersOf()).status).toBe(404);
    expect((await t.http.post(`/api/v1/results/${resultId}/submit`).set(seller.headers)).status).toBe(200);
    expect((await t.http.post(`/api/v1/results/${resultId}/publish`).set(admin.headers)).status).toBe(200);
    const transfers = await transfersOf();
    expect(transfers.status).toBe(200);
    expect((transfers.body.items as Array<{ id: string }>).map((i) => i.id)).toEqual([open.id]);
  });

  it('counts registered contracts by chain, region, type and broker', async () => {
    const before = (await t.http.get('/api/v1/contracts/stats')).body;
    await registered({
      regionCode: '360900',
      type: 'consulting',
      brokerUserId: broker.userId,
      contractAmountFen: 500,
      technologyTransactionAmountFen: 400,
    });
    await submitted({ regionCode: '360900', type: 'consulting' }); // not registered: not counted
    const stats = await t.http.get('/api/v1/contracts/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.total.contracts).toBe(before.total.contracts + 1);
    expect(stats.body.byRegion).toContainEqual({
      key: '360900',
      contracts: 1,
      contractAmountFen: 500,
      technologyTransactionAmountFen: 400,
    });
    const consulting = (stats.body.byType as Array<{ key: string; contracts: number }>).find(
      (r) => r.key === 'consulting',
    );
    expect(consulting?.contracts).toBe(
      ((before.byType as Array<{ key: string; contracts: number }>).find((r) => r.key === 'consulting')
        ?.contracts ?? 0) + 1,
    );
    expect((stats.body.byIndustryChain as Array<{ key: string }>).map((r) => r.key)).toContain(
      'new_materials',
    );
    expect(stats.body.brokered.contracts).toBe(before.brokered.contracts + 1);
    expect(JSON.stringify(stats.body)).not.toContain(broker.userId);

    expect((await t.http.get('/api/v1/contracts/stats/brokers')).status).toBe(401);
    expect((await t.http.get('/api/v1/contracts/stats/brokers').set(seller.headers)).status).toBe(403);
    const brokers = await t.http.get('/api/v1/contracts/stats/brokers').set(registrar.headers);
    expect(brokers.status).toBe(200);
    expect(brokers.body.byBroker).toContainEqual(expect.objectContaining({ key: broker.userId }));
  });

  it('attaches the signed contract uploaded by the filing party', async () => {
    const upload = await t.http
      .post('/api/v1/attachments')
      .set(seller.headers)
      .attach('file', Buffer.from('合同正文', 'utf8'), {
        filename: '技术许可合同.txt',
        contentType: 'text/plain',
      });
    expect(upload.status).toBe(201);
    const contract = await drafted({ attachments: [{ attachmentId: upload.body.id }] });
    expect(contract.attachmentIds).toEqual([upload.body.id]);
    // The buyer cannot attach the seller's upload.
    const res = await create({ attachments: [{ attachmentId: upload.body.id }] }, buyer);
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['attachments[0].attachmentId']);
  });
});
