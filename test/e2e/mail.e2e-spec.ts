import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EventDispatcher } from '../../src/infra/events/event-dispatcher';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { SMTP_NOT_CONFIGURED, MailEventsHandler } from '../../src/modules/outreach/mail/mail.events';
import { MailReconciler } from '../../src/modules/outreach/mail/mail.reconciler';
import { CLAIM_LEASE_MS, MailSender } from '../../src/modules/outreach/mail/mail.sender';
import { createTeam, Listed, submittedBid, TestTeam } from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { insertUser } from '../support/identity-rows';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

interface Received {
  /** SMTP envelope recipients. */
  rcptTo: string[];
  to: string;
  from: { name: string; address: string };
  subject: string;
  text: string;
  messageId: string;
  mailId: string;
}

interface MailRow {
  id: string;
  user_id: string;
  to_address: string;
  locale: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

const PREFS = '/api/v1/users/me/notification-preferences';
const CHINESE = /[\u4e00-\u9fff]/;

const headerText = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * A real SMTP server in the test process (smtp-server on 127.0.0.1:0, no TLS, no login), parsing
 * what arrives with mailparser. Recipients with "reject" in the address are refused for good (550),
 * those with "later" once for now (451).
 */
async function startSmtp(received: Received[]): Promise<{ server: SMTPServer; port: number }> {
  const deferred = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refuse = (message: string, code: number) =>
        callback(Object.assign(new Error(message), { responseCode: code }));
      if (address.address.includes('reject')) return refuse('Mailbox unavailable', 550);
      if (address.address.includes('later') && !deferred.has(address.address)) {
        deferred.add(address.address);
        return refuse('Try again later', 451);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            rcptTo: session.envelope.rcptTo.map((a) => a.address),
            to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
            from: {
              name: mail.from?.value[0]?.name ?? '',
              address: mail.from?.value[0]?.address ?? '',
            },
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            messageId: mail.messageId ?? '',
            mailId: headerText(mail.headers.get('x-jiebang-mail-id')),
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port };
}

describe('e-mail (SMTP)', () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let t: TestApp;
  let worker: TestWorker;
  let admin: Actor;
  let issuer: Actor;
  let applicant: Actor;
  let programId: string;

  const openList = async (): Promise<Listed> => {
    const now = t.clock.now().getTime();
    return (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
  };
  /** A bid through the formal check (as in applications.e2e-spec.ts); returns its event id. */
  const formallyChecked = async (
    team: TestTeam,
    outcome = 'eligible',
    bidder = applicant,
  ): Promise<string> => {
    const bid = await submittedBid(t, bidder, await openList(), team);
    await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send(outcome === 'eligible' ? { outcome } : { outcome, reason: '请补充预算说明' })
      .expect(200);
    const [event] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM outbox_events WHERE type = 'application.formal_checked' AND aggregate_id = $1`,
      [bid.id],
    );
    return event.id;
  };
  const rowsOf = (eventId: string) =>
    t.dataSource.query<MailRow[]>(
      `SELECT id, user_id, to_address, locale, subject, status, attempts, last_error
       FROM mail_messages WHERE event_id = $1 ORDER BY to_address`,
      [eventId],
    );
  const rowById = async (id: string) =>
    (await t.dataSource.query<MailRow[]>(`SELECT * FROM mail_messages WHERE id = $1`, [id]))[0];
  const arrivedFor = (rows: MailRow[]) => received.filter((m) => rows.some((r) => r.id === m.mailId));
  /** Waits until the event's rows exist and every one of them has arrived, sent. */
  const delivered = (eventId: string, count: number) =>
    waitFor(
      async () => {
        const rows = await rowsOf(eventId);
        const done = rows.length === count && rows.every((r) => r.status === 'sent');
        return done && arrivedFor(rows).length === count ? rows : null;
      },
      { what: `${count} mails of event ${eventId} to arrive` },
    );
  /** A copy of a sent row as a new queued mail (another event), for the sender's own tests. */
  const queuedCopy = async (of: MailRow, toAddress = of.to_address): Promise<string> => {
    const [row] = await t.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO mail_messages (event_id, user_id, kind, to_address, locale, subject, body_text, status,
                                  created_at, updated_at)
       SELECT $2, user_id, kind, $3, locale, subject, body_text, 'queued', $4, $4 FROM mail_messages WHERE id = $1
       RETURNING id`,
      [of.id, randomUUID(), toAddress, t.clock.now()],
    );
    return row.id;
  };
  const setPreferences = (actor: Actor, body: Record<string, unknown>) =>
    t.http.put(PREFS).set(actor.headers).send(body).expect(200);

  beforeAll(async () => {
    const started = await startSmtp(received);
    smtp = started.server;
    t = await createTestApp({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${started.port}`,
        MAIL_FROM: '揭榜挂帅平台 <noreply@jiebang.test>',
      },
    });
    worker = await startTestWorker(t.environment, t.clock);
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    programId = await createProgram(t, admin);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(resolve) : resolve()));
  });

  describe('notification preferences', () => {
    it('start at the defaults, with every mail kind listed and version 0', async () => {
      const res = await t.http.get(PREFS).set(issuer.headers).expect(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body).toMatchObject({ locale: 'zh-CN', emailOptOuts: [], version: 0, updatedAt: null });
      expect(res.body.emailKinds).toEqual(
        expect.arrayContaining([
          'application.formal_checked',
          'challenge.published',
          'milestone.due_soon',
          'milestone.overdue',
          'payment.paid',
        ]),
      );
      expect((await t.http.get(PREFS)).status).toBe(401);
    });

    it('are replaced as a whole, checked against the mail table, with If-Match and an ETag', async () => {
      const user = await registerOrg(t, { role: 'issuer' });
      const bad = await t.http
        .put(PREFS)
        .set(user.headers)
        .send({ locale: 'fr', emailOptOuts: ['payment.paid', 'user.roles_changed'] });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'emailOptOuts',
        'locale',
      ]);
      const duplicate = await t.http
        .put(PREFS)
        .set(user.headers)
        .send({ locale: 'en', emailOptOuts: ['payment.paid', 'payment.paid'] });
      expect(duplicate.status).toBe(400);

      const saved = await t.http
        .put(PREFS)
        .set({ ...user.headers, 'If-Match': '"0"' })
        .send({ locale: 'en', emailOptOuts: ['payment.paid', 'challenge.published'] })
        .expect(200);
      expect(saved.headers.etag).toBe('"1"');
      expect(saved.body).toMatchObject({
        locale: 'en',
        emailOptOuts: ['challenge.published', 'payment.paid'],
        version: 1,
        updatedAt: t.clock.now().toISOString(),
      });
      const stale = await t.http
        .put(PREFS)
        .set({ ...user.headers, 'If-Match': '"0"' })
        .send({ locale: 'zh-CN', emailOptOuts: [] });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      // The same again changes nothing; the locale is the user's own (users.locale).
      const same = await setPreferences(user, {
        locale: 'en',
        emailOptOuts: ['payment.paid', 'challenge.published'],
      });
      expect(same.body.version).toBe(1);
      const me = await t.http.get('/api/v1/me').set(user.headers).expect(200);
      expect(JSON.stringify(me.body)).toContain('"locale":"en"');
      expect((await t.http.get(PREFS).set(user.headers)).body).toMatchObject({ locale: 'en', version: 1 });
      const [audit] = await t.dataSource.query<Array<{ after: { locale: string } }>>(
        `SELECT after FROM audit_events WHERE action = 'user.notification_preferences_changed' AND object_id = $1`,
        [user.userId],
      );
      expect(audit.after.locale).toBe('en');
    });
  });

  describe('mail for a formal check outcome', () => {
    /** An applicant organization of the test's own (every user of it gets the mail). */
    const newBidder = () => registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    /** A bid of a new team of `bidder` returned at its formal check, and the two mails delivered for it. */
    const returnedAndMailed = async (bidder: Actor, teamName: string) => {
      const team = await createTeam(t, bidder, { name: teamName });
      const firstEvent = await formallyChecked(team, 'returned', bidder);
      return { team, firstEvent, firstRows: await delivered(firstEvent, 2) };
    };

    it('reaches every user of the applicant organization, in Chinese, through SMTP', async () => {
      const bidder = await newBidder();
      const { team, firstRows } = await returnedAndMailed(bidder, '邮件团队甲');
      expect(firstRows.map((r) => r.to_address).sort()).toEqual([bidder.email, team.leader.email].sort());
      const mails = arrivedFor(firstRows);
      for (const mail of mails) {
        expect(mail.rcptTo).toHaveLength(1);
        expect(mail.to).toBe(mail.rcptTo[0]);
        expect(mail.from).toEqual({ name: '揭榜挂帅平台', address: 'noreply@jiebang.test' });
        expect(mail.subject).toMatch(/^【揭榜挂帅】揭榜申请形式审查结果：退回修改（/);
        expect(mail.subject).toMatch(CHINESE);
        expect(mail.text).toContain('审查意见：请补充预算说明');
        expect(mail.messageId).toBe(`<${mail.mailId}@jiebang.test>`);
      }
      expect(mails.map((m) => m.rcptTo[0]).sort()).toEqual([bidder.email, team.leader.email].sort());
      expect(firstRows.every((r) => r.locale === 'zh-CN' && r.attempts === 1 && r.last_error === null)).toBe(
        true,
      );
    });

    it('is sent once when the event is delivered again or its send job runs again', async () => {
      const { firstEvent, firstRows } = await returnedAndMailed(await newBidder(), '邮件团队甲');
      const count = () => received.filter((m) => firstRows.some((r) => r.id === m.mailId)).length;
      expect(count()).toBe(2);
      const dispatcher = worker.get(EventDispatcher);
      // Redelivered: skipped by processed_events …
      await dispatcher.dispatch(firstEvent);
      // … and even with that marker gone, the (event, user) key of mail_messages holds.
      await t.dataSource.query(
        `DELETE FROM processed_events WHERE event_id = $1 AND handler = 'MailEventsHandler.onEvent'`,
        [firstEvent],
      );
      await dispatcher.dispatch(firstEvent);
      const handled = await t.dataSource.query(
        `SELECT 1 FROM processed_events WHERE event_id = $1 AND handler = 'MailEventsHandler.onEvent'`,
        [firstEvent],
      );
      expect(handled).toHaveLength(1); // the handler did run again …
      expect(await rowsOf(firstEvent)).toEqual(firstRows); // … and made no second mail

      // The send job of a sent row, run again (under another id), claims nothing and sends nothing.
      const again = await worker
        .get(JobQueue)
        .add(JobName.SendMail, { mailId: firstRows[0].id }, { jobId: `again-${firstRows[0].id}` });
      const finished = await waitFor(
        async () => {
          const queue = worker.get(JobQueue);
          const job = await queue.getJob(JobName.SendMail, String(again.id));
          if ((await job?.getState()) !== 'completed') return null;
          // Read again: the job may have completed between the read and getState (returnvalue null).
          return queue.getJob(JobName.SendMail, String(again.id));
        },
        { what: 'the repeated send job to complete' },
      );
      expect(finished.returnvalue).toBe('already-done');

      // Two runs at once on a queued row: one claims and sends, the other finds it taken.
      const copy = await queuedCopy(firstRows[0]);
      const outcomes = await Promise.allSettled([
        worker.get(MailSender).deliver(copy),
        worker.get(MailSender).deliver(copy),
      ]);
      const sent = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent');
      expect(sent).toHaveLength(1);
      expect(received.filter((m) => m.mailId === copy)).toHaveLength(1);
      expect(await rowById(copy)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(count()).toBe(2);
    });

    it('is not sent to a user who opted out of the kind, and is sent in English to one who chose it', async () => {
      // The organization's first bid was returned (mailed to it and that team's leader), as in the first test.
      const bidder = await newBidder();
      await returnedAndMailed(bidder, '邮件团队甲');
      const team = await createTeam(t, bidder, { name: '邮件团队乙' });
      await setPreferences(bidder, { locale: 'zh-CN', emailOptOuts: ['application.formal_checked'] });
      await setPreferences(team.leader, { locale: 'en', emailOptOuts: [] });
      const before = received.filter((m) => m.rcptTo.includes(bidder.email)).length;

      const eventId = await formallyChecked(team, 'eligible', bidder);
      // The first leader (of the returned bid) still gets it in Chinese; this team's leader in English.
      const rows = await delivered(eventId, 2);
      expect(rows.map((r) => r.user_id)).not.toContain(bidder.userId);
      const english = arrivedFor(rows).find((m) => m.rcptTo[0] === team.leader.email);
      expect(english?.subject).toBe(
        '[Jiebang] Formal check of your application: eligible (基于高温超导材料的低损耗电缆关键技术)',
      );
      expect(english?.text).toMatch(/^Dear /);
      expect(rows.find((r) => r.user_id === team.leader.userId)?.locale).toBe('en');
      const chinese = arrivedFor(rows).find((m) => m.rcptTo[0] !== team.leader.email);
      expect(chinese?.subject).toMatch(/^【揭榜挂帅】揭榜申请形式审查结果：通过/);
      expect(received.filter((m) => m.rcptTo.includes(bidder.email))).toHaveLength(before);
      // In-app notifications are not affected by the e-mail opt-out.
      await waitFor(async () => {
        const res = await t.http.get('/api/v1/notifications').query({ limit: 100 }).set(bidder.headers);
        return (
          (res.body.items as Array<{ kind: string; data: { applicationId?: string } }>).filter(
            (n) => n.kind === 'application.formal_checked',
          ).length === 2
        );
      });
      await setPreferences(bidder, { locale: 'zh-CN', emailOptOuts: [] });
    });
  });

  describe('reliability of the send', () => {
    let template: MailRow;

    // A sent mail of its own, read only: the tests send copies of it.
    beforeAll(async () => {
      const team = await createTeam(t, applicant, { name: '邮件模板团队' });
      [template] = await delivered(await formallyChecked(team, 'returned'), 2);
    });

    it('marks a mail the server refuses for good as failed, without retrying', async () => {
      const id = await queuedCopy(template, 'reject.me@example.cn');
      await expect(worker.get(MailSender).deliver(id)).rejects.toBeInstanceOf(UnrecoverableError);
      const row = await rowById(id);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row.last_error).toContain('550');
    });

    it('puts a mail back to queued after a transient refusal, then sends it on the retry', async () => {
      const id = await queuedCopy(template, `later.${randomUUID()}@example.cn`);
      await expect(worker.get(MailSender).deliver(id)).rejects.not.toBeInstanceOf(UnrecoverableError);
      expect(await rowById(id)).toMatchObject({ status: 'queued', attempts: 1 });
      expect((await rowById(id)).last_error).toContain('451');
      await expect(worker.get(MailSender).deliver(id)).resolves.toBe('sent');
      expect(await rowById(id)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(received.filter((m) => m.mailId === id)).toHaveLength(1);
    });

    it('gives up after the last attempt the job allows', async () => {
      const id = await queuedCopy(template, `later.${randomUUID()}@example.cn`);
      await expect(worker.get(MailSender).deliver(id, { finalAttempt: true })).rejects.toThrow(/451/);
      expect(await rowById(id)).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('re-enqueues queued rows whose job is missing (reconciler), and takes over a lapsed claim', async () => {
      const reconciler = worker.get(MailReconciler);
      // Committed, then the process died before its after-commit enqueue: a row and no job.
      const lost = await queuedCopy(template);
      expect(await worker.get(JobQueue).getJob(JobName.SendMail, `mail-${lost}`)).toBeUndefined();
      expect(await reconciler.sweep()).toBe(0); // younger than the sweep's grace
      t.clock.advance(2 * 60_000);
      expect(await reconciler.sweep()).toBeGreaterThanOrEqual(1);
      await waitFor(async () => received.some((m) => m.mailId === lost), { what: 'the lost mail to arrive' });

      // A run that claimed a row and died: another run may not send it before the lease lapses
      // (raw SQL on purpose: the crash is simulated).
      const stuck = await queuedCopy(template);
      await t.dataSource.query(
        `UPDATE mail_messages SET status = 'sending', attempts = 1, claimed_at = $2 WHERE id = $1`,
        [stuck, t.clock.now()],
      );
      await expect(worker.get(MailSender).deliver(stuck)).rejects.toThrow(/another run/);
      t.clock.advance(CLAIM_LEASE_MS + 1_000);
      expect(await reconciler.reconcile()).toBeGreaterThanOrEqual(1);
      await waitFor(async () => (await rowById(stuck)).status === 'sent', {
        what: 'the stuck mail to be sent',
      });
      expect(await rowById(stuck)).toMatchObject({ attempts: 2 });
      expect(received.filter((m) => m.mailId === stuck)).toHaveLength(1);
    });

    it('skips a disabled user and one without an address, even when a rule names them', async () => {
      const disabled = await insertUser(t.dataSource, applicant.organizationId, { enabled: false });
      const blank = await insertUser(t.dataSource, applicant.organizationId);
      // Raw SQL on purpose: a blank address is a corrupted row, which no API accepts.
      await t.dataSource.query(`UPDATE users SET email = ' ' WHERE id = $1`, [blank]);
      const handler = worker.get(MailEventsHandler);
      const event = (objectorUserId: string) => ({
        id: randomUUID(),
        type: 'objection.decided',
        aggregateType: 'challenge',
        aggregateId: randomUUID(),
        occurredAt: t.clock.now(),
        data: {
          challengeId: randomUUID(),
          code: 'JB-2027-0001',
          title: '测试榜单',
          objectorUserId,
          status: 'dismissed',
          reason: '不成立',
        },
      });
      const asDisabled = event(disabled);
      const asBlank = event(blank);
      await t.dataSource.transaction((em) => handler.onEvent(asDisabled, em));
      await t.dataSource.transaction((em) => handler.onEvent(asBlank, em));
      for (const e of [asDisabled, asBlank]) {
        const rows = await rowsOf(e.id);
        // The admins (the rule's other recipients) get it; the objector does not.
        expect(rows.map((r) => r.user_id)).toContain(admin.userId);
        expect(rows.map((r) => r.user_id)).not.toContain(e.data.objectorUserId);
      }
    });
  });
});

describe('e-mail without SMTP (zero-config start)', () => {
  let t: TestApp;
  let worker: TestWorker;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startTestWorker(t.environment, t.clock);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('records the mail as skipped, enqueues nothing, and the worker runs', async () => {
    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    const list = await publishChallenge(t, issuer, admin, await createProgram(t, admin));
    const rows = await waitFor(
      async () => {
        const found = await t.dataSource.query<MailRow[]>(
          `SELECT m.* FROM mail_messages m JOIN outbox_events e ON e.id = m.event_id
           WHERE e.type = 'challenge.published' AND e.aggregate_id = $1`,
          [list.id],
        );
        return found.length ? found : null;
      },
      { what: 'the published mail to be recorded' },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        user_id: issuer.userId,
        status: 'skipped',
        attempts: 0,
        last_error: SMTP_NOT_CONFIGURED,
        subject: `【揭榜挂帅】榜单审核通过并已发布：${list.title as string}`,
      }),
    ]);
    expect(await worker.get(JobQueue).getJob(JobName.SendMail, `mail-${rows[0].id}`)).toBeUndefined();
    expect(worker.get(MailSender).configured).toBe(false);
  });
});
