import type { JsonObject, JsonValue } from '../../../common/json';
import { mailRecipientsOf } from './mail-recipients';
import { MAIL_KINDS, MAIL_LOCALES, mailLocaleOf, MailTemplateError, renderMail } from './mail-templates';

const LIST = {
  challengeId: '5b0e7c1e-0000-4000-8000-000000000001',
  code: 'JB-2027-0042',
  title: '高温超导电缆关键技术',
  issuerOrganizationId: '5b0e7c1e-0000-4000-8000-000000000002',
};
const PROJECT = {
  projectId: '5b0e7c1e-0000-4000-8000-000000000003',
  challengeId: LIST.challengeId,
  applicationId: '5b0e7c1e-0000-4000-8000-000000000004',
  issuerOrganizationId: LIST.issuerOrganizationId,
  leadOrganizationId: '5b0e7c1e-0000-4000-8000-000000000005',
  status: 'active',
  challengeCode: LIST.code,
};

/** Event data as the services publish it (see each `outbox.publish`), one sample per mail kind. */
const CONTRACT = {
  contractId: 'k',
  title: '高温超导带材制备技术许可合同',
  type: 'licence',
  contractAmountFen: 300_000_000,
  technologyTransactionAmountFen: 250_000_000,
};

/** A need's event data (need-outbox.ts): an anonymous need, claimed by its broker. */
const NEED = {
  needId: '5b0e7c1e-0000-4000-8000-000000000006',
  title: '稀土永磁电机高温退磁问题',
  status: 'refined',
  industryChain: 'new_materials',
  regionCode: '360102',
  budgetMinFen: 50_000_000,
  budgetMaxFen: 200_000_000,
  anonymous: true,
  enterpriseOrganizationId: '5b0e7c1e-0000-4000-8000-000000000007',
  publicEnterpriseOrganizationId: null,
  centreOrganizationId: '5b0e7c1e-0000-4000-8000-000000000008',
  brokerUserId: '5b0e7c1e-0000-4000-8000-000000000009',
  challengeId: null,
  expiresAt: '2027-06-01T02:00:00.000Z',
  version: 4,
};
/** A result's event data (resultEventData), and a utilisation report's (result-utilisation.service.ts). */
const RESULT = {
  resultId: 'r',
  title: '高温超导带材连续制备工艺',
  type: 'process',
  industryChain: 'new_materials',
  status: 'draft',
  source: 'acceptance',
  organizationId: PROJECT.leadOrganizationId,
  trlClaimed: null,
  verifiedTrl: 6,
  transferModes: ['exclusive_licence'],
  projectId: PROJECT.projectId,
  challengeId: LIST.challengeId,
  publishedAt: null,
  version: 1,
};
const UTILISATION = {
  resultId: 'r',
  title: RESULT.title,
  organizationId: RESULT.organizationId,
  projectId: PROJECT.projectId,
  utilisationReportId: 'u',
  year: 1,
  status: 'requested',
  dueAt: '2028-07-31T02:00:00.000Z',
};

const SAMPLES: Record<string, JsonObject> = {
  'need.refined': NEED,
  'need.returned': { ...NEED, status: 'returned', reason: '需求描述过于笼统，请补充现有工艺条件' },
  'need.long_term': { ...NEED, status: 'long_term' },
  'need.listed': { ...NEED, status: 'listed', challengeId: LIST.challengeId },
  'need.expiring_soon': { ...NEED, hoursBefore: 168 },
  'need.expired': { ...NEED, status: 'expired' },
  'need.interest_expressed': {
    ...NEED,
    interestId: 'i',
    interestedOrganizationId: '5b0e7c1e-0000-4000-8000-00000000000a',
    kind: 'team',
  },
  'introduction.made': {
    ...NEED,
    introductionId: 'n',
    interestId: 'i',
    interestedOrganizationId: '5b0e7c1e-0000-4000-8000-00000000000a',
  },
  'match.found': {
    needId: NEED.needId,
    resultId: 'r',
    score: 0.16,
    title: NEED.title,
    enterpriseOrganizationId: NEED.enterpriseOrganizationId,
    brokerUserId: NEED.brokerUserId,
  },
  'result.drafted': { ...RESULT, acceptanceId: 'x' },
  'result.published': { ...RESULT, status: 'published', publishedAt: '2027-09-01T02:00:00.000Z' },
  'result.returned': { ...RESULT, status: 'returned', reason: '请补充专利授权号' },
  'result.utilisation_requested': UTILISATION,
  'result.utilisation_due_soon': { ...UTILISATION, hoursBefore: 24 },
  'result.utilisation_overdue': { ...UTILISATION, status: 'overdue' },
  'contract.registered': { ...CONTRACT, registrationNumber: 'JS-360100-2027-0001' },
  'contract.returned': { ...CONTRACT, reason: '技术交易额认定依据不足' },
  'challenge.published': {
    ...LIST,
    programId: 'p',
    status: 'published',
    opensAt: '2027-03-01T02:00:00.000Z',
    closesAt: '2027-04-01T09:30:00.000Z',
    totalFen: 500_000_000,
    fiscalFen: 300_000_000,
    version: 4,
  },
  'challenge.rejected': {
    ...LIST,
    code: null,
    programId: 'p',
    status: 'draft',
    opensAt: '2027-03-01T02:00:00.000Z',
    closesAt: '2027-04-01T09:30:00.000Z',
    reason: '技术指标不够具体',
  },
  'application.formal_checked': {
    applicationId: 'a',
    challengeId: LIST.challengeId,
    challengeCode: LIST.code,
    challengeTitle: LIST.title,
    issuerOrganizationId: LIST.issuerOrganizationId,
    leadOrganizationId: PROJECT.leadOrganizationId,
    status: 'returned',
    outcome: 'returned',
    reason: '请补充预算说明',
  },
  'review.assigned': { ...LIST, panelMemberId: 'm', expertUserId: 'u' },
  'review.due_soon': {
    ...LIST,
    panelId: 'p',
    dueAt: '2027-04-16T02:00:00.000Z',
    panelMemberId: 'm',
    expertUserId: 'u',
    unsubmittedAssignments: 3,
    hoursBefore: 24,
  },
  'acceptance.assigned': {
    acceptanceId: 'x',
    projectId: PROJECT.projectId,
    code: LIST.code,
    title: LIST.title,
    panelMemberId: 'm',
    expertUserId: 'u',
  },
  'selection.publicized': {
    ...LIST,
    selectionId: 's',
    applicationIds: ['a'],
    publicityEndsAt: '2027-05-08T16:00:00.000Z',
  },
  'selection.publicity_ending': {
    ...LIST,
    selectionId: 's',
    applicationIds: ['a'],
    publicityEndsAt: '2027-05-08T16:00:00.000Z',
    pendingObjections: 1,
    hoursBefore: 24,
  },
  'challenge.awarded': { ...LIST, selectionId: 's', applicationIds: ['a'], projectIds: ['p'] },
  'objection.lodged': { ...LIST, objectionId: 'o', selectionId: 's' },
  'objection.decided': {
    ...LIST,
    objectionId: 'o',
    objectorUserId: 'u',
    status: 'upheld',
    reason: '中选单位资质材料不实',
  },
  'milestone.due_soon': {
    ...PROJECT,
    milestoneId: 'ms',
    position: 1,
    title: '完成材料制备',
    dueAt: '2027-09-01T00:00:00.000Z',
    hoursBefore: 168,
  },
  'milestone.overdue': {
    ...PROJECT,
    milestoneId: 'ms',
    position: 1,
    title: '完成材料制备',
    dueAt: '2027-09-01T00:00:00.000Z',
  },
  'payment.paid': {
    paymentId: 'pay',
    projectId: PROJECT.projectId,
    challengeId: LIST.challengeId,
    code: LIST.code,
    title: LIST.title,
    issuerOrganizationId: LIST.issuerOrganizationId,
    leadOrganizationId: PROJECT.leadOrganizationId,
    payer: 'fiscal',
    kind: 'milestone',
    sequence: 2,
    amountFen: 123_456_789,
    milestonePosition: 1,
    paidAt: '2027-06-30T07:05:00.000Z',
  },
  'acceptance.decided': {
    acceptanceId: 'x',
    projectId: PROJECT.projectId,
    challengeId: LIST.challengeId,
    code: LIST.code,
    title: LIST.title,
    issuerOrganizationId: LIST.issuerOrganizationId,
    leadOrganizationId: PROJECT.leadOrganizationId,
    outcome: 'passed_with_conditions',
    status: 'conditional',
    exemption: false,
    conditionsDueAt: '2028-01-31T16:00:00.000Z',
    conditionsResolution: null,
    projectStatus: 'acceptance_requested',
  },
};

/** What each template cannot do without: removing any of these must fail loudly, in both languages. */
const REQUIRED: Record<string, string[]> = {
  'challenge.published': ['closesAt', 'opensAt', 'title'],
  'challenge.rejected': ['reason', 'title'],
  'application.formal_checked': ['challengeTitle', 'outcome'],
  'review.assigned': ['title'],
  'review.due_soon': ['dueAt', 'title', 'unsubmittedAssignments'],
  'acceptance.assigned': ['title'],
  'selection.publicized': ['publicityEndsAt', 'title'],
  'selection.publicity_ending': ['pendingObjections', 'publicityEndsAt', 'title'],
  'challenge.awarded': ['title'],
  'objection.lodged': ['title'],
  'objection.decided': ['status', 'title'],
  'milestone.due_soon': ['dueAt', 'title'],
  'milestone.overdue': ['dueAt', 'title'],
  'payment.paid': ['amountFen', 'paidAt', 'payer', 'title'],
  'acceptance.decided': ['conditionsDueAt', 'outcome', 'title'],
  'contract.registered': [
    'contractAmountFen',
    'registrationNumber',
    'technologyTransactionAmountFen',
    'title',
  ],
  'contract.returned': ['reason', 'title'],
  'need.refined': ['title'],
  'need.returned': ['reason', 'title'],
  'need.long_term': ['title'],
  'need.listed': ['title'],
  'need.expiring_soon': ['expiresAt', 'title'],
  'need.expired': ['expiresAt', 'title'],
  'need.interest_expressed': ['kind', 'title'],
  'introduction.made': ['title'],
  'match.found': ['title'],
  'result.drafted': ['title'],
  'result.published': ['title'],
  'result.returned': ['reason', 'title'],
  'result.utilisation_requested': ['dueAt', 'title', 'year'],
  'result.utilisation_due_soon': ['dueAt', 'title', 'year'],
  'result.utilisation_overdue': ['dueAt', 'title', 'year'],
};

const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
const RECIPIENT = { displayName: '李明' };

function without(data: JsonObject, key: string): JsonObject {
  const copy = { ...data };
  delete copy[key];
  return copy;
}

/** Every string in the data (titles and reasons are Chinese whatever the mail's language). */
function strings(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('mail templates', () => {
  it('cover exactly the kinds of the mail table, each with a sample here', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...MAIL_KINDS].sort());
    expect(Object.keys(REQUIRED).sort()).toEqual([...MAIL_KINDS].sort());
  });

  describe.each(MAIL_KINDS.map((kind) => [kind]))('%s', (kind) => {
    const data = SAMPLES[kind];

    it('renders in Chinese and in English: subject, greeting, body, footer; nothing undefined', () => {
      const zh = renderMail(kind, data, 'zh-CN', RECIPIENT);
      const en = renderMail(kind, data, 'en', RECIPIENT);
      expect(zh.subject).toMatch(/^【揭榜挂帅】\S/);
      expect(zh.text).toMatch(/^李明，您好：\n\n/);
      expect(zh.text).toContain('请勿直接回复');
      expect(en.subject).toMatch(/^\[Jiebang\] [A-Z]/);
      expect(en.text).toMatch(/^Dear 李明,\n\n/);
      expect(en.text).toContain('please do not reply');
      for (const part of [zh.subject, zh.text, en.subject, en.text]) {
        expect(part).not.toMatch(/undefined|null|NaN|\[object|\$\{|\{\{|\}\}/);
      }
      expect(zh.subject).not.toMatch(/[\r\n]/);
      // The English mail is English apart from the data it quotes (a Chinese title, a reason).
      let english = en.subject + en.text;
      for (const s of strings(data).sort((a, b) => b.length - a.length)) english = english.split(s).join('');
      expect(english.replace('李明', '')).not.toMatch(CJK);
      expect(zh.text).not.toBe(en.text);
    });

    it('fails loudly when data it needs is missing, and only then', () => {
      const failing: string[] = [];
      for (const key of Object.keys(data)) {
        const reduced = without(data, key);
        const results = MAIL_LOCALES.map((locale) => {
          try {
            renderMail(kind, reduced, locale, RECIPIENT);
            return 'ok';
          } catch (error) {
            expect(error).toBeInstanceOf(MailTemplateError);
            expect((error as Error).message).toContain(`"${key}"`);
            return 'failed';
          }
        });
        expect({ key, same: new Set(results).size }).toEqual({ key, same: 1 });
        if (results[0] === 'failed') failing.push(key);
      }
      expect(failing.sort()).toEqual(REQUIRED[kind]);
    });
  });

  it('names the application check outcome, the challenge code and the reason (formal check)', () => {
    const returned = renderMail(
      'application.formal_checked',
      SAMPLES['application.formal_checked'],
      'zh-CN',
      RECIPIENT,
    );
    expect(returned.subject).toBe('【揭榜挂帅】揭榜申请形式审查结果：退回修改（高温超导电缆关键技术）');
    expect(returned.text).toContain('榜单「高温超导电缆关键技术」（编号 JB-2027-0042）');
    expect(returned.text).toContain('审查意见：请补充预算说明');
    const eligible = { ...SAMPLES['application.formal_checked'], outcome: 'eligible', reason: null };
    expect(renderMail('application.formal_checked', eligible, 'en', RECIPIENT).subject).toBe(
      '[Jiebang] Formal check of your application: eligible (高温超导电缆关键技术)',
    );
    expect(() =>
      renderMail('application.formal_checked', { ...eligible, outcome: 'maybe' }, 'zh-CN', RECIPIENT),
    ).toThrow(/"outcome" must be one of eligible, ineligible, returned/);
  });

  it('writes times in Beijing time and money as yuan from integer fen', () => {
    const paid = renderMail('payment.paid', SAMPLES['payment.paid'], 'zh-CN', RECIPIENT);
    expect(paid.subject).toBe('【揭榜挂帅】项目经费已拨付：¥1,234,567.89（高温超导电缆关键技术）');
    expect(paid.text).toContain('拨付时间：2027-06-30 15:05（北京时间）');
    expect(paid.text).toContain('一笔财政经费已拨付');
    const publicized = renderMail('selection.publicized', SAMPLES['selection.publicized'], 'en', RECIPIENT);
    expect(publicized.text).toContain('2027-05-09 00:00 (Beijing time, UTC+8)');
    expect(() =>
      renderMail('payment.paid', { ...SAMPLES['payment.paid'], amountFen: '12.5' }, 'zh-CN', RECIPIENT),
    ).toThrow(MailTemplateError);
    expect(() =>
      renderMail('payment.paid', { ...SAMPLES['payment.paid'], amountFen: 12.5 }, 'zh-CN', RECIPIENT),
    ).toThrow(/whole number of fen/);
  });

  it('leaves the code out of a challenge that has none yet, and refuses an unknown kind', () => {
    const rejected = renderMail('challenge.rejected', SAMPLES['challenge.rejected'], 'zh-CN', RECIPIENT);
    expect(rejected.text).toContain('贵单位的榜单「高温超导电缆关键技术」未通过审核');
    expect(rejected.text).not.toContain('编号');
    expect(() => renderMail('user.roles_changed', {}, 'zh-CN', RECIPIENT)).toThrow(/no such mail kind/);
    expect(() => renderMail('constructor', {}, 'zh-CN', RECIPIENT)).toThrow(/no such mail kind/);
  });

  it('greets without a name when there is none, and keeps a title line break out of the subject', () => {
    const data = { ...SAMPLES['review.assigned'], title: '第一行\n第二行' };
    const mail = renderMail('review.assigned', data, 'zh-CN', { displayName: ' ' });
    expect(mail.text.startsWith('您好：')).toBe(true);
    expect(mail.subject).toBe('【揭榜挂帅】评审邀请：第一行 第二行');
  });

  it('mails in English only to users who chose it', () => {
    expect(mailLocaleOf('en')).toBe('en');
    expect(mailLocaleOf('zh-CN')).toBe('zh-CN');
    expect(mailLocaleOf('fr')).toBe('zh-CN');
    expect(mailLocaleOf(null)).toBe('zh-CN');
  });

  it('take the recipients of the in-app rule of the same event: every kind has one', () => {
    expect(MAIL_KINDS.filter((kind) => mailRecipientsOf(kind) === null)).toEqual([]);
    expect(mailRecipientsOf('user.roles_changed')).not.toBeNull(); // a rule, but no mail: not in the table
    expect(MAIL_KINDS).not.toContain('user.roles_changed');
    expect(mailRecipientsOf('no.such_event')).toBeNull();
  });

  describe('the transfer loop: what each recipient may see (ADR 0058)', () => {
    /** The mails of needs: to the enterprise and its brokers, and introduction.made to the interested organization. */
    const NEED_KINDS = MAIL_KINDS.filter(
      (kind) => kind.startsWith('need.') || kind === 'introduction.made' || kind === 'match.found',
    );
    /** Kinds whose recipients include someone who sees only the need's public view (needs-rules.ts). */
    const READ_BY_OUTSIDERS = ['introduction.made'];
    /** What the public view of a need shows (need.mappers.ts, view `public`). */
    const PUBLIC_NEED_KEYS = [
      'needId',
      'title',
      'status',
      'industryChain',
      'regionCode',
      'budgetMinFen',
      'budgetMaxFen',
      'expiresAt',
    ];
    /** Who is behind a need: never in a mail, even to those who may know (one text goes to all recipients). */
    const WHO = [
      'enterpriseOrganizationId',
      'publicEnterpriseOrganizationId',
      'centreOrganizationId',
      'brokerUserId',
      'interestedOrganizationId',
      'anonymous',
    ];
    const NAME = '赣江隐名电机股份有限公司';
    const SECRET = 'SECRET-磁钢牌号N42SH-7f3a';

    /** The keys of the event data a template reads, in both languages. */
    function keysRead(kind: string, data: JsonObject): string[] {
      const read = new Set<string>();
      const spy = new Proxy(data, {
        get(target, key, receiver) {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      for (const locale of MAIL_LOCALES) renderMail(kind, spy, locale, RECIPIENT);
      return [...read].sort();
    }

    it('covers the need kinds that are mailed', () => {
      expect(NEED_KINDS).toEqual(
        expect.arrayContaining([...READ_BY_OUTSIDERS, 'need.expiring_soon', 'match.found']),
      );
    });

    it.each(READ_BY_OUTSIDERS.map((kind) => [kind]))(
      '%s reads nothing but the public view of the need',
      (kind) => {
        const read = keysRead(kind, SAMPLES[kind]);
        expect(read).toContain('title');
        expect(read.filter((key) => !PUBLIC_NEED_KEYS.includes(key))).toEqual([]);
      },
    );

    it.each(NEED_KINDS.map((kind) => [kind]))(
      '%s never names the enterprise, the centre or the broker, nor quotes confidential details',
      (kind) => {
        expect(keysRead(kind, SAMPLES[kind]).filter((key) => WHO.includes(key))).toEqual([]);
        // An anonymous need, with everything an event must never carry added: none of it is written.
        const data: JsonObject = {
          ...SAMPLES[kind],
          anonymous: true,
          enterpriseName: NAME,
          enterprise: { name: NAME },
          confidentialDetails: SECRET,
          realProblem: SECRET,
          diagnosisProblem: SECRET,
          note: SECRET,
          message: SECRET,
        };
        const ids = WHO.map((key) => data[key]).filter((v): v is string => typeof v === 'string');
        expect(ids.length).toBeGreaterThan(0);
        for (const locale of MAIL_LOCALES) {
          const mail = renderMail(kind, data, locale, RECIPIENT);
          for (const part of [mail.subject, mail.text]) {
            for (const hidden of [NAME, SECRET, ...ids]) expect(part).not.toContain(hidden);
          }
        }
      },
    );

    it('names the kind of interested party, and the verified TRL only when there is one', () => {
      const interest = SAMPLES['need.interest_expressed'];
      expect(renderMail('need.interest_expressed', interest, 'zh-CN', RECIPIENT).text).toContain(
        '一个研发团队',
      );
      expect(
        renderMail('need.interest_expressed', { ...interest, kind: 'results_holder' }, 'en', RECIPIENT).text,
      ).toContain('A results holder expressed interest');
      expect(() =>
        renderMail('need.interest_expressed', { ...interest, kind: 'investor' }, 'en', RECIPIENT),
      ).toThrow(/"kind" must be one of team, results_holder/);
      const drafted = SAMPLES['result.drafted'];
      expect(renderMail('result.drafted', drafted, 'zh-CN', RECIPIENT).text).toContain('TRL 6');
      const unverified = renderMail('result.drafted', { ...drafted, verifiedTrl: null }, 'en', RECIPIENT);
      expect(unverified.text).not.toContain('TRL');
      expect(() => renderMail('result.drafted', { ...drafted, verifiedTrl: '6' }, 'en', RECIPIENT)).toThrow(
        /"verifiedTrl" must be a whole number/,
      );
    });

    it('dates a reminder by its deadline in Beijing time, and numbers the report year', () => {
      const expiring = renderMail('need.expiring_soon', SAMPLES['need.expiring_soon'], 'zh-CN', RECIPIENT);
      expect(expiring.text).toContain('将于 2027-06-01 10:00（北京时间）到期');
      const asked = renderMail(
        'result.utilisation_requested',
        SAMPLES['result.utilisation_requested'],
        'en',
        RECIPIENT,
      );
      expect(asked.subject).toBe('[Jiebang] Utilisation report requested: 高温超导带材连续制备工艺');
      expect(asked.text).toContain(
        'the utilisation report for year 1 of the result “高温超导带材连续制备工艺” before 2028-07-31 10:00 (Beijing time, UTC+8)',
      );
    });
  });
});
