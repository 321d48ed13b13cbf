import { enTime, MailData, MailTemplate, sentence, zhTime } from '../mail-data';

/**
 * Mails of the industry-demand library (需求库, ADR 0058) and its standing match alerts (ADR 0060).
 * The recipients are those of needs-rules.ts. Need events never carry the confidential details nor
 * the enterprise's name (need-outbox.ts), and these templates quote only the need's public title,
 * its expiry and — to the enterprise alone — the return reason; `introduction.made` also reaches the
 * interested organization, which sees only the public view, so it names nothing but the title.
 */

/** What an interested organization is (need_interests.kind). */
const INTEREST_KINDS = ['team', 'results_holder'] as const;

const zhNeed = (d: MailData) => `需求「${d.text('title')}」`;
const enNeed = (d: MailData) => `the need “${d.text('title')}”`;

export const NEED_MAILS: Readonly<Record<string, MailTemplate>> = {
  // — to the enterprise: what the service centre decided —
  'need.refined': {
    'zh-CN': (d) => ({
      subject: `需求已完成诊断提炼：${d.text('title')}`,
      lines: [
        `${zhNeed(d)}已由技术经纪人完成诊断提炼，现已在产业需求库公开。`,
        '公开的只有需求摘要：保密内容不公开，匿名需求也不显示企业名称。',
      ],
    }),
    en: (d) => ({
      subject: `Need refined and public: ${d.text('title')}`,
      lines: [
        `The technology broker has diagnosed and refined ${enNeed(d)}; it is now public in the industry-demand library.`,
        'Only its public summary is shown: never the confidential details, nor the name of an anonymous enterprise.',
      ],
    }),
  },
  'need.returned': {
    'zh-CN': (d) => ({
      subject: `需求被退回：${d.text('title')}`,
      lines: [
        `贵单位的${zhNeed(d)}被技术转移服务机构退回。`,
        `退回原因：${d.text('reason')}`,
        '请按意见修改后重新提交。',
      ],
    }),
    en: (d) => ({
      subject: `Need returned: ${d.text('title')}`,
      lines: [
        `The technology transfer service centre returned your organization's need “${d.text('title')}”.`,
        `Reason: ${d.text('reason')}`,
        'Please revise it and submit it again.',
      ],
    }),
  },
  'need.long_term': {
    'zh-CN': (d) => ({
      subject: `需求转为长期跟踪：${d.text('title')}`,
      lines: [`贵单位的${zhNeed(d)}已转为长期跟踪需求，技术转移服务机构将持续为其寻找对接资源。`],
    }),
    en: (d) => ({
      subject: `Need tracked long-term: ${d.text('title')}`,
      lines: [
        `Your organization's need “${d.text('title')}” is now tracked as a long-term need: the service centre keeps looking for partners for it.`,
      ],
    }),
  },
  'need.listed': {
    'zh-CN': (d) => ({
      subject: `需求已转为榜单草稿：${d.text('title')}`,
      lines: [
        `${zhNeed(d)}已转为提出需求企业的揭榜挂帅榜单草稿，技术指标和金额已带入。`,
        '请企业完善榜单内容后提交审核。',
      ],
    }),
    en: (d) => ({
      subject: `Need promoted to a draft challenge: ${d.text('title')}`,
      lines: [
        `${sentence(enNeed(d))} has become a draft challenge list of the enterprise that filed it, with its indicators and amounts carried over.`,
        'The enterprise completes the draft and submits it for vetting.',
      ],
    }),
  },
  // — reminders and expiry (to the enterprise and the claiming broker) —
  'need.expiring_soon': {
    'zh-CN': (d) => ({
      subject: `需求即将到期：${d.text('title')}`,
      lines: [
        `${zhNeed(d)}将于 ${zhTime(d.instant('expiresAt'))}到期。`,
        '到期后需求不再诊断和对接；如仍需要，企业可登录平台续期。',
      ],
    }),
    en: (d) => ({
      subject: `Need expiring soon: ${d.text('title')}`,
      lines: [
        `${sentence(enNeed(d))} expires at ${enTime(d.instant('expiresAt'))}.`,
        'After that it is no longer diagnosed or brokered; if it is still wanted, the enterprise can renew it on the platform.',
      ],
    }),
  },
  'need.expired': {
    'zh-CN': (d) => ({
      subject: `需求已到期：${d.text('title')}`,
      lines: [
        `${zhNeed(d)}已于 ${zhTime(d.instant('expiresAt'))}到期，不再诊断和对接。`,
        '如仍需要，企业可登录平台续期恢复。',
      ],
    }),
    en: (d) => ({
      subject: `Need expired: ${d.text('title')}`,
      lines: [
        `${sentence(enNeed(d))} expired at ${enTime(d.instant('expiresAt'))}; it is no longer diagnosed or brokered.`,
        'If it is still wanted, the enterprise can renew it on the platform.',
      ],
    }),
  },
  // — brokering: interests, introductions, match alerts —
  'need.interest_expressed': {
    'zh-CN': (d) => {
      const who = { team: '一个研发团队', results_holder: '一家成果持有单位' }[
        d.oneOf('kind', INTEREST_KINDS)
      ];
      return {
        subject: `需求收到对接意向：${d.text('title')}`,
        lines: [`${who}对${zhNeed(d)}表达了对接意向。`, '请查看意向，并视情况安排对接。'],
      };
    },
    en: (d) => {
      const who = { team: 'A research team', results_holder: 'A results holder' }[
        d.oneOf('kind', INTEREST_KINDS)
      ];
      return {
        subject: `Interest in a need: ${d.text('title')}`,
        lines: [
          `${who} expressed interest in ${enNeed(d)}.`,
          'Please review the interest and arrange an introduction if it fits.',
        ],
      };
    },
  },
  'introduction.made': {
    // To the enterprise AND the interested organization: the public title only (ADR 0058).
    'zh-CN': (d) => ({
      subject: `技术经纪人已安排对接：${d.text('title')}`,
      lines: [`技术经纪人已就${zhNeed(d)}安排供需双方对接。`, '请留意对方的后续联系。'],
    }),
    en: (d) => ({
      subject: `Introduction arranged: ${d.text('title')}`,
      lines: [
        `A technology broker has introduced the two parties to each other about ${enNeed(d)}.`,
        'Expect to be contacted.',
      ],
    }),
  },
  'match.found': {
    // The score alone says little (TRANSFER.md: never a bare number): the mail points to the explanation.
    'zh-CN': (d) => ({
      subject: `成果库中有与需求匹配的成果：${d.text('title')}`,
      lines: [
        `新发布的一项成果与${zhNeed(d)}高度匹配。`,
        '平台上有匹配说明（共同关键词、产业链、技术就绪度、地区），技术经纪人可据此安排对接。',
      ],
    }),
    en: (d) => ({
      subject: `A published result matches a need: ${d.text('title')}`,
      lines: [
        `A newly published result closely matches ${enNeed(d)}.`,
        'The match is explained on the platform (shared terms, industry chain, readiness level, region); the broker may arrange an introduction from it.',
      ],
    }),
  },
};
