import {
  ASSESSMENT_OUTCOMES,
  enChallenge,
  enProject,
  enTime,
  challengeOf,
  MailTemplate,
  PAYERS,
  yuan,
  zhChallenge,
  zhProject,
  zhTime,
} from '../mail-data';

/** Mails of projects: milestones and money. */
export const PROJECT_MAILS: Readonly<Record<string, MailTemplate>> = {
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
      const { title, code } = challengeOf(d);
      const payer = { fiscal: '财政经费', issuer: '发榜方配套经费' }[d.oneOf('payer', PAYERS)];
      const amount = yuan(d.fen('amountFen'));
      return {
        subject: `项目经费已拨付：${amount}（${title}）`,
        lines: [
          `榜单${zhChallenge(title, code)}揭榜项目的一笔${payer}已拨付。`,
          `金额：${amount}；拨付时间：${zhTime(d.instant('paidAt'))}。`,
        ],
      };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      const payer = { fiscal: 'fiscal funding', issuer: "the issuer's co-funding" }[d.oneOf('payer', PAYERS)];
      const amount = yuan(d.fen('amountFen'));
      return {
        subject: `Payment made: ${amount} (${title})`,
        lines: [
          `A tranche of ${payer} has been paid to the project of ${enChallenge(title, code)}.`,
          `Amount: ${amount}; paid at ${enTime(d.instant('paidAt'))}.`,
        ],
      };
    },
  },
  'acceptance.decided': {
    'zh-CN': (d) => {
      const { title, code } = challengeOf(d);
      const outcome = d.oneOf('outcome', ASSESSMENT_OUTCOMES);
      const verdict = { passed: '通过', passed_with_conditions: '有条件通过', failed: '不通过' }[outcome];
      const lines = [`榜单${zhChallenge(title, code)}揭榜项目的验收结论：${verdict}。`];
      if (outcome === 'passed_with_conditions') {
        lines.push(`请在 ${zhTime(d.instant('conditionsDueAt'))}前落实验收条件。`);
      }
      if (outcome === 'failed' && d.flag('exemption')) lines.push('验收专家组认定团队已尽职，予以尽职免责。');
      return { subject: `项目验收结论：${verdict}（${title}）`, lines };
    },
    en: (d) => {
      const { title, code } = challengeOf(d);
      const outcome = d.oneOf('outcome', ASSESSMENT_OUTCOMES);
      const verdict = {
        passed: 'passed',
        passed_with_conditions: 'passed with conditions',
        failed: 'failed',
      }[outcome];
      const lines = [`The acceptance of the project of ${enChallenge(title, code)} is decided: ${verdict}.`];
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
