import { TestContext, WORLDS_ENV } from '../support/context';
import { createProgram } from '../support/challenges';
import { Actor, outboxEvents, registerOrg } from '../support/factories';
import { fixtureNeeds, fixtureResults } from '../support/matching-fixture';
import { ReceivedMail, SmtpInbox } from '../support/smtp-inbox';
import { createTestApp, TestApp } from '../support/test-app';
import { needRoute, newBroker, refinedNeed, serviceCentre } from '../support/transfer';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';
import { DeadlineDrainer } from '../../src/infra/scheduler/deadline.drainer';
import { ResultUtilisationService } from '../../src/modules/transfer/results/result-utilisation.service';
import { ResultsRepository } from '../../src/modules/transfer/results/results.repository';

/**
 * The transfer loop's mails (issue 18 item 7) through a real SMTP server: a match alert and a
 * need's expiry reminder reach the claiming broker in Chinese and the enterprise (which chose
 * English) in English; an introduction reaches the interested organization without the anonymous
 * enterprise's name or anything confidential; a result's yearly utilisation request reaches its holder.
 */
describe('transfer loop mails (SMTP)', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let broker: Actor;
  let enterprise: Actor;
  let holder: Actor;
  let needId: string;
  let resultId: string;
  let programId: string;
  const api = (path: string) => `/api/v1${path}`;
  const ENTERPRISE_NAME = '赣江隐名磁材股份有限公司';
  const SECRET = 'SECRET-霍尔推进器羰基铁粉-7f3a';
  const NOTE = '已安排双方 3 月 10 日线上对接，联系人王工 13900000000';
  const n01 = fixtureNeeds().find((n) => n.id === 'n01')!;
  const r01 = fixtureResults().find((r) => r.id === 'r01')!;
  const CJK = /[\u4e00-\u9fff]/;

  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };
  /** Waits for the mail to `who` whose subject starts with `subject`, and checks there is one only. */
  const mailTo = async (who: Actor, subject: string): Promise<ReceivedMail> => {
    const matching = () => inbox.to(who.email).filter((m) => m.subject.startsWith(subject));
    const mail = await waitFor(async () => matching()[0], { what: `“${subject}” to ${who.email}` });
    expect(matching()).toHaveLength(1);
    return mail;
  };
  /** Nothing of the enterprise nor of the need's confidential part. */
  const expectDiscreet = (mail: ReceivedMail) => {
    for (const hidden of [ENTERPRISE_NAME, SECRET, enterprise.organizationId, n01.confidential]) {
      expect(mail.subject + mail.text).not.toContain(hidden);
    }
  };
  const drainDue = () => worker.get(DeadlineDrainer).drain({ upTo: t.clock.now() });

  beforeAll(async () => {
    inbox = await SmtpInbox.start();
    t = await createTestApp({
      env: { ...WORLDS_ENV, SMTP_URL: inbox.smtpUrl, MAIL_FROM: '揭榜挂帅平台 <noreply@jiebang.test>' },
    });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await new TestContext(t).newAdmin();
    programId = await createProgram(t, admin);
    const centre = await serviceCentre(t, admin, '南昌分中心', '360100');
    await needRoute(t, admin, { regionCode: '360100', centreOrganizationId: centre });
    broker = await newBroker(t, admin, centre, '360100', {
      industryChains: ['rare_earths'],
      keywords: ['稀土'],
    });
    enterprise = await registerOrg(t, {
      role: 'issuer',
      type: 'enterprise',
      regionCode: '360102',
      name: ENTERPRISE_NAME,
    });
    // The enterprise's user reads English; the broker and the holder keep the default, Chinese.
    ok(
      'locale',
      await t.http
        .put(api('/users/me/notification-preferences'))
        .set(enterprise.headers)
        .send({ locale: 'en', emailOptOuts: [] }),
    );
    holder = await registerOrg(t, { role: 'applicant', regionCode: '360702' });

    // An anonymous need refined by the broker (fixture n01; a secret only in its confidential details).
    needId = (
      await refinedNeed(t, enterprise, broker, {
        confidentialDetails: `${n01.confidential} ${SECRET}`,
        realProblem: `晶界扩散工艺 ${SECRET}`,
      })
    ).id;
  });

  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await inbox?.close();
  });

  it('tells the broker in Chinese and the enterprise in English that a published result matches the need', async () => {
    resultId = ok(
      'result',
      await t.http
        .post(api('/results'))
        .set(holder.headers)
        .send({
          title: r01.title,
          abstract: r01.abstract,
          type: 'patent',
          industryChain: 'rare_earths',
          keywords: r01.keywords,
          trlClaimed: 7,
          ipRecords: [],
          holders: [{ name: '赣州稀土研究院', organizationId: holder.organizationId }],
          transferModes: ['assignment'],
        }),
      201,
    ).id as string;
    ok('submit', await t.http.post(api(`/results/${resultId}/submit`)).set(holder.headers));
    ok('publish', await t.http.post(api(`/results/${resultId}/publish`)).set(broker.headers));

    const zh = await mailTo(broker, '【揭榜挂帅】成果库中有与需求匹配的成果');
    expect(zh.subject).toBe(`【揭榜挂帅】成果库中有与需求匹配的成果：${n01.title}`);
    expect(zh.text).toContain(`新发布的一项成果与需求「${n01.title}」高度匹配`);
    const en = await mailTo(enterprise, '[Jiebang] A published result matches a need');
    expect(en.subject).toBe(`[Jiebang] A published result matches a need: ${n01.title}`);
    expect(en.text).toContain(`A newly published result closely matches the need “${n01.title}”`);
    expect(en.text.split(n01.title).join('')).not.toMatch(CJK);
    for (const mail of [zh, en]) expectDiscreet(mail);
    expect((await outboxEvents(t, 'match.found', needId)).map((e) => e.data.resultId)).toEqual([resultId]);
    // The holder's own mail of the same publication, in Chinese.
    expect((await mailTo(holder, '【揭榜挂帅】成果已发布')).text).toContain(`成果「${r01.title}」已通过审核`);
  });

  it('introduces the interested holder without naming the anonymous enterprise or quoting the confidential part', async () => {
    const interest = ok(
      'interest',
      await t.http
        .post(api(`/needs/${needId}/interests`))
        .set(holder.headers)
        .send({ kind: 'results_holder', message: '我院有晶界扩散中试线，可对接。' }),
      201,
    );
    const told = await mailTo(broker, '【揭榜挂帅】需求收到对接意向');
    expect(told.text).toContain(`一家成果持有单位对需求「${n01.title}」表达了对接意向`);
    ok(
      'introduce',
      await t.http
        .post(api(`/needs/${needId}/introductions`))
        .set(broker.headers)
        .send({ interestId: interest.id, note: NOTE }),
      201,
    );
    const toHolder = await mailTo(holder, '【揭榜挂帅】技术经纪人已安排对接');
    expect(toHolder.text).toContain(`技术经纪人已就需求「${n01.title}」安排供需双方对接`);
    const toEnterprise = await mailTo(enterprise, '[Jiebang] Introduction arranged');
    for (const mail of [toHolder, toEnterprise]) {
      expectDiscreet(mail);
      expect(mail.text).not.toContain(NOTE);
      expect(mail.text).not.toContain(broker.email);
    }
  });

  it('reminds the broker in Chinese and the enterprise in English a week before the need expires', async () => {
    const need = ok('read', await t.http.get(api(`/needs/${needId}`)).set(admin.headers));
    const expiresAt = new Date(need.expiresAt as string);
    t.clock.set(new Date(expiresAt.getTime() - 7 * 24 * 3_600_000));
    await drainDue();
    const beijing = new Date(expiresAt.getTime() + 8 * 3_600_000)
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ');
    const zh = await mailTo(broker, '【揭榜挂帅】需求即将到期');
    expect(zh.subject).toBe(`【揭榜挂帅】需求即将到期：${n01.title}`);
    expect(zh.text).toContain(`需求「${n01.title}」将于 ${beijing}（北京时间）到期`);
    const en = await mailTo(enterprise, '[Jiebang] Need expiring soon');
    expect(en.text).toContain(`The need “${n01.title}” expires at ${beijing} (Beijing time, UTC+8).`);
    expect(en.text).toMatch(/^Dear .+,\n/);
    for (const mail of [zh, en]) expectDiscreet(mail);
  });

  it("asks the result's holder for its first yearly utilisation report, by mail", async () => {
    // As a passed acceptance's drafting does (result-drafting.service.ts), for the published result.
    const from = t.clock.now();
    await t.dataSource.transaction(async (em) => {
      const result = await worker.get(ResultsRepository).findById(resultId, em);
      await worker.get(ResultUtilisationService).scheduleFor(em, result!, from, programId);
    });
    const [year1] = await t.dataSource.query<Array<{ request_at: Date; due_at: Date }>>(
      `SELECT request_at, due_at FROM result_utilisation_reports WHERE result_id = $1 AND year = 1`,
      [resultId],
    );
    t.clock.set(year1.request_at);
    await drainDue();
    const mail = await mailTo(holder, '【揭榜挂帅】请填报成果转化应用情况');
    expect(mail.subject).toBe(`【揭榜挂帅】请填报成果转化应用情况：${r01.title}`);
    const due = new Date(year1.due_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(mail.text).toContain(`请于 ${due}（北京时间）前填报成果「${r01.title}」第 1 年的转化应用情况`);
    // Only the holder is asked: no one else got this mail.
    const asked = inbox.received.filter((m) =>
      /请填报成果转化应用情况|Utilisation report requested/.test(m.subject),
    );
    expect(asked.map((m) => m.rcptTo)).toEqual([[holder.email]]);
  });
});
