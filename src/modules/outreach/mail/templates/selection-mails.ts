import {
  enChallenge,
  enTime,
  challengeOf,
  MailTemplate,
  OBJECTION_STATUSES,
  zhChallenge,
  zhTime,
} from '../mail-data';

/** Mails of selection, publicity and objections. */
export const SELECTION_MAILS: Readonly<Record<string, MailTemplate>> = {
  // — selection, publicity, objections —
  'selection.publicized': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `揭榜结果公示：${title}`,
        lines: [
          `榜单${zhChallenge(title, code)}的拟揭榜单位已确定，现进入公示期。`,
          `公示截止：${zhTime(d.instant('publicityEndsAt'))}。公示期内如有异议，可登录平台提出。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `Selection result under publicity: ${title}`,
        lines: [
          `The selected team(s) for ${enChallenge(title, code)} have been chosen and the result is now public.`,
          `The publicity period ends at ${enTime(d.instant('publicityEndsAt'))}; objections may be lodged until then.`,
        ],
      };
    },
  },
  'selection.publicity_ending': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      const pending = d.count('pendingObjections');
      const lines = [
        `榜单${zhChallenge(title, code)}的揭榜结果公示将于 ${zhTime(d.instant('publicityEndsAt'))}结束。`,
        '如有异议，请在公示结束前登录平台提出；公示期满且无待处理异议时，揭榜结果即确定。',
      ];
      if (pending) lines.push(`目前有 ${pending} 项异议待处理。`);
      return { subject: `公示期即将结束：${title}`, lines };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      const pending = d.count('pendingObjections');
      const lines = [
        `The publicity period of the selection for ${enChallenge(title, code)} ends at ${enTime(d.instant('publicityEndsAt'))}.`,
        'Objections may be lodged until then; when it ends with no objection pending, the award becomes final.',
      ];
      if (pending) lines.push(`${pending} objection${pending === 1 ? ' is' : 's are'} pending.`);
      return { subject: `Publicity ending soon: ${title}`, lines };
    },
  },
  'challenge.awarded': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `揭榜结果已确定：${title}`,
        lines: [`榜单${zhChallenge(title, code)}公示期满，揭榜结果已确定。`, '中选项目将进入任务书签订。'],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `Award final: ${title}`,
        lines: [
          `The publicity period of ${enChallenge(title, code)} has ended and the award is final.`,
          'The selected project(s) now proceed to signing the task book.',
        ],
      };
    },
  },
  'objection.lodged': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `收到公示异议：${title}`,
        lines: [
          `榜单${zhChallenge(title, code)}在公示期内收到一项异议。`,
          '平台管理员核查处理，处理完毕前不予确定揭榜结果；详情请登录平台查看。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `Objection lodged: ${title}`,
        lines: [
          `An objection to the selection result of ${enChallenge(title, code)} was lodged during publicity.`,
          "The platform's administrators investigate and decide it; the award waits until then. Sign in for details.",
        ],
      };
    },
  },
  'objection.decided': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      const status = d.oneOf('status', OBJECTION_STATUSES);
      const verdict = { under_investigation: '正在核查', upheld: '异议成立', dismissed: '异议不成立' }[
        status
      ];
      const lines = [`关于榜单${zhChallenge(title, code)}公示结果的异议，处理结果：${verdict}。`];
      const reason = d.optionalText('reason');
      if (reason) lines.push(`说明：${reason}`);
      if (status === 'upheld') lines.push('遴选结果已撤销，将重新遴选。');
      return { subject: `公示异议处理结果：${verdict}（${title}）`, lines };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      const status = d.oneOf('status', OBJECTION_STATUSES);
      const verdict = {
        under_investigation: 'under investigation',
        upheld: 'upheld',
        dismissed: 'dismissed',
      }[status];
      const lines = [`The objection to the selection result of ${enChallenge(title, code)} is ${verdict}.`];
      const reason = d.optionalText('reason');
      if (reason) lines.push(`Explanation: ${reason}`);
      if (status === 'upheld') lines.push('The selection has been withdrawn and will be made again.');
      return { subject: `Objection ${verdict}: ${title}`, lines };
    },
  },
};
