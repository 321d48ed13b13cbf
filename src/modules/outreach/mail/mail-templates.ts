import type { JsonObject } from '../../../common/json';

/**
 * The mail table: which event kinds are sent by e-mail, and what the mail says, in Chinese and in
 * English. Who receives it is not here: the recipients are those of the in-app notification rule
 * of the same event (notification-rules.ts), so the two cannot drift apart. A new kind is one entry
 * (and a sample in mail-templates.spec.ts, which checks both languages and the data they need).
 */

export const MAIL_LOCALES = ['zh-CN', 'en'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** A user's `locale` as a mail language: English when they asked for it, Chinese otherwise. */
export function mailLocaleOf(userLocale: string | null | undefined): MailLocale {
  return userLocale === 'en' ? 'en' : 'zh-CN';
}

/** Event data a template needs is missing or not what it expects: a bug, not a retryable failure. */
export class MailTemplateError extends Error {
  constructor(kind: string, message: string) {
    super(`Mail template ${kind}: ${message}`);
    this.name = 'MailTemplateError';
  }
}

export interface MailContent {
  subject: string;
  text: string;
}

export interface MailRecipient {
  displayName: string;
}

/** Typed reads of an event's data that fail loudly (MailTemplateError) when a value is missing. */
export class MailData {
  constructor(
    readonly kind: string,
    private readonly data: JsonObject,
  ) {}

  text(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string' || !value.trim()) this.missing(key, 'a non-empty string');
    return value.trim();
  }

  /** A string that may be absent, null or empty (e.g. the list code before publication). */
  optionalText(key: string): string | null {
    const value = this.data[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') this.missing(key, 'a string or null');
    return value.trim() || null;
  }

  /** One of `values`: an unknown value is a template to extend, not something to mail vaguely. */
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const value = this.text(key);
    if (!(values as readonly string[]).includes(value)) this.missing(key, `one of ${values.join(', ')}`);
    return value as T;
  }

  instant(key: string): Date {
    const date = new Date(this.text(key));
    if (Number.isNaN(date.getTime())) this.missing(key, 'an ISO-8601 instant');
    return date;
  }

  /** Whole fen (an integer, as money always is). */
  fen(key: string): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      this.missing(key, 'a whole number of fen');
    return value;
  }

  /** A whole number of things (assignments, objections). */
  count(key: string): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      this.missing(key, 'a whole number');
    return value;
  }

  flag(key: string): boolean {
    const value = this.data[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.missing(key, 'a boolean');
    return value;
  }

  private missing(key: string, what: string): never {
    throw new MailTemplateError(this.kind, `event data "${key}" must be ${what}`);
  }
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `2027-03-05 09:30` in Beijing time (UTC+8 all year: China has no daylight saving time). */
function beijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
const zhTime = (date: Date) => `${beijing(date)}（北京时间）`;
const enTime = (date: Date) => `${beijing(date)} (Beijing time, UTC+8)`;

/** ¥1,234,567.89 from fen, in integer arithmetic. */
function yuan(fen: number): string {
  const whole = Math.trunc(fen / 100).toLocaleString('en-US');
  return `¥${whole}.${String(fen % 100).padStart(2, '0')}`;
}

/** 「标题」（编号 JB-2027-0042）, or without the code before the list has one. */
function zhList(title: string, code: string | null): string {
  return code ? `「${title}」（编号 ${code}）` : `「${title}」`;
}
function enList(title: string, code: string | null): string {
  return code ? `“${title}” (${code})` : `“${title}”`;
}

interface Draft {
  subject: string;
  /** Paragraphs of the body, between the greeting and the footer. */
  lines: string[];
}
type Write = (d: MailData) => Draft;

export interface MailTemplate {
  'zh-CN': Write;
  en: Write;
}

const FORMAL_CHECK_OUTCOMES = ['eligible', 'ineligible', 'returned'] as const;
const OBJECTION_STATUSES = ['under_investigation', 'upheld', 'dismissed'] as const;
const ASSESSMENT_OUTCOMES = ['passed', 'passed_with_conditions', 'failed'] as const;
const PAYERS = ['fiscal', 'issuer'] as const;

/** The list of a challenge event (`title`, `code`). */
const list = (d: MailData) => ({ title: d.text('title'), code: d.optionalText('code') });

export const MAIL_TEMPLATES: Readonly<Record<string, MailTemplate>> = {
  // — lists —
  'challenge.published': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `榜单审核通过并已发布：${title}`,
        lines: [
          `贵单位的榜单${zhList(title, code)}已审核通过并正式发布。`,
          `揭榜申报时间：${zhTime(d.instant('opensAt'))}至 ${zhTime(d.instant('closesAt'))}。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `Challenge list approved and published: ${title}`,
        lines: [
          `Your challenge list ${enList(title, code)} has been approved and published.`,
          `Bids are accepted from ${enTime(d.instant('opensAt'))} until ${enTime(d.instant('closesAt'))}.`,
        ],
      };
    },
  },
  'challenge.rejected': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `榜单审核未通过：${title}`,
        lines: [
          `贵单位的榜单${zhList(title, code)}未通过审核，已退回修改。`,
          `原因：${d.text('reason')}`,
          '请按意见修改后重新提交审核。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `Challenge list not approved: ${title}`,
        lines: [
          `Your challenge list ${enList(title, code)} was not approved and has been returned to you.`,
          `Reason: ${d.text('reason')}`,
          'Please revise it and submit it again.',
        ],
      };
    },
  },
  // — bids —
  'application.formal_checked': {
    'zh-CN': (d) => {
      const listName = zhList(d.text('challengeTitle'), d.optionalText('challengeCode'));
      const outcome = d.oneOf('outcome', FORMAL_CHECK_OUTCOMES);
      const reason = d.optionalText('reason');
      const verdict = { eligible: '通过', ineligible: '未通过', returned: '退回修改' }[outcome];
      const lines = [`贵单位对榜单${listName}的揭榜申请，形式审查结果为：${verdict}。`];
      if (reason) lines.push(`审查意见：${reason}`);
      if (outcome === 'eligible') lines.push('申请将进入专家评审，请留意后续通知。');
      if (outcome === 'returned') lines.push('请在揭榜截止时间前修改并重新提交。');
      return { subject: `揭榜申请形式审查结果：${verdict}（${d.text('challengeTitle')}）`, lines };
    },
    en: (d) => {
      const listName = enList(d.text('challengeTitle'), d.optionalText('challengeCode'));
      const outcome = d.oneOf('outcome', FORMAL_CHECK_OUTCOMES);
      const reason = d.optionalText('reason');
      const verdict = {
        eligible: 'eligible',
        ineligible: 'not eligible',
        returned: 'returned for correction',
      }[outcome];
      const lines = [`The formal check of your bid for ${listName} is complete: ${verdict}.`];
      if (reason) lines.push(`Comments: ${reason}`);
      if (outcome === 'eligible') lines.push('The bid goes on to expert review; watch for further notices.');
      if (outcome === 'returned')
        lines.push('Please correct it and submit it again before the closing time.');
      return { subject: `Formal check of your bid: ${verdict} (${d.text('challengeTitle')})`, lines };
    },
  },
  // — review and acceptance panels —
  'review.assigned': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `评审邀请：${title}`,
        lines: [
          `您已被抽选为榜单${zhList(title, code)}的评审专家。`,
          '请登录平台，先声明与各申请有无利益冲突，再查看申请并评分。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `You have been drawn as a reviewer: ${title}`,
        lines: [
          `You have been drawn as an expert reviewer of the challenge list ${enList(title, code)}.`,
          'Please sign in, declare whether you have a conflict of interest, then read and score the bids.',
        ],
      };
    },
  },
  'review.due_soon': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `评审即将截止：${title}`,
        lines: [
          `榜单${zhList(title, code)}的专家评审将于 ${zhTime(d.instant('dueAt'))}截止。`,
          `您还有 ${d.count('unsubmittedAssignments')} 份申请未提交评分，请登录平台及时完成。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      const n = d.count('unsubmittedAssignments');
      return {
        subject: `Review due soon: ${title}`,
        lines: [
          `The expert review of ${enList(title, code)} is due at ${enTime(d.instant('dueAt'))}.`,
          `You have ${n} bid${n === 1 ? '' : 's'} still to score and submit; please sign in and complete ${n === 1 ? 'it' : 'them'} in time.`,
        ],
      };
    },
  },
  'acceptance.assigned': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `验收邀请：${title}`,
        lines: [
          `您已被抽选为榜单${zhList(title, code)}揭榜项目的验收专家。`,
          '请登录平台，先声明有无利益冲突，再逐项给出验收意见。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `You have been drawn for an acceptance panel: ${title}`,
        lines: [
          `You have been drawn as an acceptance expert for the project of ${enList(title, code)}.`,
          'Please sign in, declare whether you have a conflict of interest, then give your verdict on each indicator.',
        ],
      };
    },
  },
  // — selection, publicity, objections —
  'selection.publicized': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `揭榜结果公示：${title}`,
        lines: [
          `榜单${zhList(title, code)}的拟揭榜单位已确定，现进入公示期。`,
          `公示截止：${zhTime(d.instant('publicityEndsAt'))}。公示期内如有异议，可登录平台提出。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `Selection result under publicity: ${title}`,
        lines: [
          `The selected team(s) for ${enList(title, code)} have been chosen and the result is now public.`,
          `The publicity period ends at ${enTime(d.instant('publicityEndsAt'))}; objections may be lodged until then.`,
        ],
      };
    },
  },
  'selection.publicity_ending': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      const pending = d.count('pendingObjections');
      const lines = [
        `榜单${zhList(title, code)}的揭榜结果公示将于 ${zhTime(d.instant('publicityEndsAt'))}结束。`,
        '如有异议，请在公示结束前登录平台提出；公示期满且无待处理异议时，揭榜结果即确定。',
      ];
      if (pending) lines.push(`目前有 ${pending} 项异议待处理。`);
      return { subject: `公示期即将结束：${title}`, lines };
    },
    en: (d) => {
      const { title, code } = list(d);
      const pending = d.count('pendingObjections');
      const lines = [
        `The publicity period of the selection for ${enList(title, code)} ends at ${enTime(d.instant('publicityEndsAt'))}.`,
        'Objections may be lodged until then; when it ends with no objection pending, the award becomes final.',
      ];
      if (pending) lines.push(`${pending} objection${pending === 1 ? ' is' : 's are'} pending.`);
      return { subject: `Publicity ending soon: ${title}`, lines };
    },
  },
  'challenge.awarded': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `揭榜结果已确定：${title}`,
        lines: [`榜单${zhList(title, code)}公示期满，揭榜结果已确定。`, '中选项目将进入任务书签订。'],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `Award final: ${title}`,
        lines: [
          `The publicity period of ${enList(title, code)} has ended and the award is final.`,
          'The selected project(s) now proceed to signing the task book.',
        ],
      };
    },
  },
  'objection.lodged': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      return {
        subject: `收到公示异议：${title}`,
        lines: [
          `榜单${zhList(title, code)}在公示期内收到一项异议。`,
          '平台管理员核查处理，处理完毕前不予确定揭榜结果；详情请登录平台查看。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      return {
        subject: `Objection lodged: ${title}`,
        lines: [
          `An objection to the selection result of ${enList(title, code)} was lodged during publicity.`,
          "The platform's administrators investigate and decide it; the award waits until then. Sign in for details.",
        ],
      };
    },
  },
  'objection.decided': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      const status = d.oneOf('status', OBJECTION_STATUSES);
      const verdict = { under_investigation: '正在核查', upheld: '异议成立', dismissed: '异议不成立' }[
        status
      ];
      const lines = [`关于榜单${zhList(title, code)}公示结果的异议，处理结果：${verdict}。`];
      const reason = d.optionalText('reason');
      if (reason) lines.push(`说明：${reason}`);
      if (status === 'upheld') lines.push('遴选结果已撤销，将重新遴选。');
      return { subject: `公示异议处理结果：${verdict}（${title}）`, lines };
    },
    en: (d) => {
      const { title, code } = list(d);
      const status = d.oneOf('status', OBJECTION_STATUSES);
      const verdict = {
        under_investigation: 'under investigation',
        upheld: 'upheld',
        dismissed: 'dismissed',
      }[status];
      const lines = [`The objection to the selection result of ${enList(title, code)} is ${verdict}.`];
      const reason = d.optionalText('reason');
      if (reason) lines.push(`Explanation: ${reason}`);
      if (status === 'upheld') lines.push('The selection has been withdrawn and will be made again.');
      return { subject: `Objection ${verdict}: ${title}`, lines };
    },
  },
  // — projects: milestones and money —
  'milestone.due_soon': {
    'zh-CN': (d) => ({
      subject: `里程碑即将到期：${d.text('title')}`,
      lines: [
        `${zhProject(d)}的里程碑「${d.text('title')}」将于 ${zhTime(d.instant('dueAt'))}到期。`,
        '请按时提交进展报告和佐证材料。',
      ],
    }),
    en: (d) => ({
      subject: `Milestone due soon: ${d.text('title')}`,
      lines: [
        `The milestone “${d.text('title')}” of ${enProject(d)} is due at ${enTime(d.instant('dueAt'))}.`,
        'Please submit the progress report and its evidence in time.',
      ],
    }),
  },
  'milestone.overdue': {
    'zh-CN': (d) => ({
      subject: `里程碑已逾期：${d.text('title')}`,
      lines: [
        `${zhProject(d)}的里程碑「${d.text('title')}」已于 ${zhTime(d.instant('dueAt'))}到期，仍未通过评估，已标记逾期。`,
        '后续经费拨付可能因此暂缓，请尽快提交进展报告或申请延期。',
      ],
    }),
    en: (d) => ({
      subject: `Milestone overdue: ${d.text('title')}`,
      lines: [
        `The milestone “${d.text('title')}” of ${enProject(d)} was due at ${enTime(d.instant('dueAt'))} and has not passed its assessment; it is now marked overdue.`,
        'Later tranches may be held back: please submit the progress report or request an extension.',
      ],
    }),
  },
  'payment.paid': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      const payer = { fiscal: '财政经费', issuer: '发榜方配套经费' }[d.oneOf('payer', PAYERS)];
      const amount = yuan(d.fen('amountFen'));
      return {
        subject: `项目经费已拨付：${amount}（${title}）`,
        lines: [
          `榜单${zhList(title, code)}揭榜项目的一笔${payer}已拨付。`,
          `金额：${amount}；拨付时间：${zhTime(d.instant('paidAt'))}。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = list(d);
      const payer = { fiscal: 'fiscal funding', issuer: "the issuer's co-funding" }[d.oneOf('payer', PAYERS)];
      const amount = yuan(d.fen('amountFen'));
      return {
        subject: `Payment made: ${amount} (${title})`,
        lines: [
          `A tranche of ${payer} has been paid to the project of ${enList(title, code)}.`,
          `Amount: ${amount}; paid at ${enTime(d.instant('paidAt'))}.`,
        ],
      };
    },
  },
  'acceptance.decided': {
    'zh-CN': (d) => {
      const { title, code } = list(d);
      const outcome = d.oneOf('outcome', ASSESSMENT_OUTCOMES);
      const verdict = { passed: '通过', passed_with_conditions: '有条件通过', failed: '不通过' }[outcome];
      const lines = [`榜单${zhList(title, code)}揭榜项目的验收结论：${verdict}。`];
      if (outcome === 'passed_with_conditions') {
        lines.push(`请在 ${zhTime(d.instant('conditionsDueAt'))}前落实验收条件。`);
      }
      if (outcome === 'failed' && d.flag('exemption')) lines.push('验收专家组认定团队已尽职，予以尽职免责。');
      return { subject: `项目验收结论：${verdict}（${title}）`, lines };
    },
    en: (d) => {
      const { title, code } = list(d);
      const outcome = d.oneOf('outcome', ASSESSMENT_OUTCOMES);
      const verdict = {
        passed: 'passed',
        passed_with_conditions: 'passed with conditions',
        failed: 'failed',
      }[outcome];
      const lines = [`The acceptance of the project of ${enList(title, code)} is decided: ${verdict}.`];
      if (outcome === 'passed_with_conditions') {
        lines.push(`Please meet the conditions before ${enTime(d.instant('conditionsDueAt'))}.`);
      }
      if (outcome === 'failed' && d.flag('exemption')) {
        lines.push('The panel found that the team worked diligently: the due-diligence exemption applies.');
      }
      return { subject: `Acceptance ${verdict}: ${title}`, lines };
    },
  },
};

/** 项目（榜单编号 JB-…）: milestone events name the project by its list code when there is one. */
function zhProject(d: MailData): string {
  const code = d.optionalText('challengeCode');
  return code ? `揭榜项目（榜单编号 ${code}）` : '揭榜项目';
}
function enProject(d: MailData): string {
  const code = d.optionalText('challengeCode');
  return code ? `the project of list ${code}` : 'your project';
}

/** Every event kind sent by e-mail: what the preferences endpoint accepts as opt-outs. */
export const MAIL_KINDS: readonly string[] = Object.keys(MAIL_TEMPLATES);

const SUBJECT_PREFIX: Record<MailLocale, string> = { 'zh-CN': '【揭榜挂帅】', en: '[Jiebang] ' };

function frame(locale: MailLocale, recipient: MailRecipient, draft: Draft): MailContent {
  const name = recipient.displayName.trim();
  const text =
    locale === 'en'
      ? [
          name ? `Dear ${name},` : 'Hello,',
          ...draft.lines,
          'Sign in to the Jiebang Guashuai platform for the details.',
          '—\nThis message was sent automatically; please do not reply. You can turn off e-mail for this kind of notice in your notification preferences.',
        ]
      : [
          name ? `${name}，您好：` : '您好：',
          ...draft.lines,
          '详情请登录揭榜挂帅平台查看。',
          '—\n本邮件由系统自动发送，请勿直接回复。如不希望再收到此类邮件，可在“通知偏好”中关闭。',
        ];
  // A title with a line break must not break the Subject header (nodemailer encodes, but be plain).
  const subject = (SUBJECT_PREFIX[locale] + draft.subject).replace(/\s*[\r\n]+\s*/g, ' ');
  return { subject, text: `${text.join('\n\n')}\n` };
}

/**
 * The mail of an event for a recipient, in the locale. Throws MailTemplateError when the kind has
 * no template or its data lacks what the template needs.
 */
export function renderMail(
  kind: string,
  data: JsonObject,
  locale: MailLocale,
  recipient: MailRecipient,
): MailContent {
  const template = Object.hasOwn(MAIL_TEMPLATES, kind) ? MAIL_TEMPLATES[kind] : undefined;
  if (!template) throw new MailTemplateError(kind, 'no such mail kind');
  return frame(locale, recipient, template[locale](new MailData(kind, data)));
}
