import {
  enChallenge,
  enTime,
  FORMAL_CHECK_OUTCOMES,
  challengeOf,
  MailTemplate,
  zhChallenge,
  zhTime,
} from '../mail-data';

/** Mails of challenges and their applications. */
export const CHALLENGE_MAILS: Readonly<Record<string, MailTemplate>> = {
  // — challenges —
  'challenge.published': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `榜单审核通过并已发布：${title}`,
        lines: [
          `贵单位的榜单${zhChallenge(title, code)}已审核通过并正式发布。`,
          `揭榜申报时间：${zhTime(d.instant('opensAt'))}至 ${zhTime(d.instant('closesAt'))}。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `Challenge approved and published: ${title}`,
        lines: [
          `Your challenge ${enChallenge(title, code)} has been approved and published.`,
          `Applications are accepted from ${enTime(d.instant('opensAt'))} until ${enTime(d.instant('closesAt'))}.`,
        ],
      };
    },
  },
  'challenge.rejected': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `榜单审核未通过：${title}`,
        lines: [
          `贵单位的榜单${zhChallenge(title, code)}未通过审核，已退回修改。`,
          `原因：${d.text('reason')}`,
          '请按意见修改后重新提交审核。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `Challenge not approved: ${title}`,
        lines: [
          `Your challenge ${enChallenge(title, code)} was not approved and has been returned to you.`,
          `Reason: ${d.text('reason')}`,
          'Please revise it and submit it again.',
        ],
      };
    },
  },
  // — applications —
  'application.formal_checked': {
    'zh-CN': (d) => {
      const challengeName = zhChallenge(d.text('challengeTitle'), d.optionalText('challengeCode'));
      const outcome = d.oneOf('outcome', FORMAL_CHECK_OUTCOMES);
      const reason = d.optionalText('reason');
      const verdict = { eligible: '通过', ineligible: '未通过', returned: '退回修改' }[outcome];
      const lines = [`贵单位对榜单${challengeName}的揭榜申请，形式审查结果为：${verdict}。`];
      if (reason) lines.push(`审查意见：${reason}`);
      if (outcome === 'eligible') lines.push('申请将进入专家评审，请留意后续通知。');
      if (outcome === 'returned') lines.push('请在揭榜截止时间前修改并重新提交。');
      return { subject: `揭榜申请形式审查结果：${verdict}（${d.text('challengeTitle')}）`, lines };
    },
    en: (d) => {
      const challengeName = enChallenge(d.text('challengeTitle'), d.optionalText('challengeCode'));
      const outcome = d.oneOf('outcome', FORMAL_CHECK_OUTCOMES);
      const reason = d.optionalText('reason');
      const verdict = {
        eligible: 'eligible',
        ineligible: 'not eligible',
        returned: 'returned for correction',
      }[outcome];
      const lines = [`The formal check of your application for ${challengeName} is complete: ${verdict}.`];
      if (reason) lines.push(`Comments: ${reason}`);
      if (outcome === 'eligible')
        lines.push('The application goes on to expert review; watch for further notices.');
      if (outcome === 'returned')
        lines.push('Please correct it and submit it again before the closing time.');
      return { subject: `Formal check of your application: ${verdict} (${d.text('challengeTitle')})`, lines };
    },
  },
};
