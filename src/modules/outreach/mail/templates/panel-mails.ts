import { enChallenge, enTime, challengeOf, MailTemplate, zhChallenge, zhTime } from '../mail-data';

/** Mails of review and acceptance panels. */
export const PANEL_MAILS: Readonly<Record<string, MailTemplate>> = {
  // — review and acceptance panels —
  'review.assigned': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `评审邀请：${title}`,
        lines: [
          `您已被抽选为榜单${zhChallenge(title, code)}的评审专家。`,
          '请登录平台，先声明与各申请有无利益冲突，再查看申请并评分。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `You have been drawn as a reviewer: ${title}`,
        lines: [
          `You have been drawn as an expert reviewer of the challenge ${enChallenge(title, code)}.`,
          'Please sign in, declare whether you have a conflict of interest, then read and score the applications.',
        ],
      };
    },
  },
  'review.due_soon': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `评审即将截止：${title}`,
        lines: [
          `榜单${zhChallenge(title, code)}的专家评审将于 ${zhTime(d.instant('dueAt'))}截止。`,
          `您还有 ${d.count('unsubmittedAssignments')} 份申请未提交评分，请登录平台及时完成。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      const n = d.count('unsubmittedAssignments');
      return {
        subject: `Review due soon: ${title}`,
        lines: [
          `The expert review of ${enChallenge(title, code)} is due at ${enTime(d.instant('dueAt'))}.`,
          `You have ${n} application${n === 1 ? '' : 's'} still to score and submit; please sign in and complete ${n === 1 ? 'it' : 'them'} in time.`,
        ],
      };
    },
  },
  'acceptance.assigned': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `验收邀请：${title}`,
        lines: [
          `您已被抽选为榜单${zhChallenge(title, code)}揭榜项目的验收专家。`,
          '请登录平台，先声明有无利益冲突，再逐项给出验收意见。',
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      return {
        subject: `You have been drawn for an acceptance panel: ${title}`,
        lines: [
          `You have been drawn as an acceptance expert for the project of ${enChallenge(title, code)}.`,
          'Please sign in, declare whether you have a conflict of interest, then give your verdict on each indicator.',
        ],
      };
    },
  },
};
