import { enTime, MailData, MailTemplate, sentence, zhTime } from '../mail-data';

/**
 * Mails of the results library and its yearly utilisation reports (成果库, ADR 0059), to the
 * holder organization (results-rules.ts; the overdue notice to the admins too). Result events carry
 * only the public fields, never the confidential details; the templates quote the title, the
 * verified TRL, the year and due date of a report, and — to the holder — the return reason.
 */

const zhResult = (d: MailData) => `成果「${d.text('title')}」`;
const enResult = (d: MailData) => `the result “${d.text('title')}”`;
const zhYear = (d: MailData) => `第 ${d.count('year')} 年的转化应用情况`;
const enYear = (d: MailData) => `the utilisation report for year ${d.count('year')}`;

export const RESULT_MAILS: Readonly<Record<string, MailTemplate>> = {
  // — the results library: drafted, vetted —
  'result.drafted': {
    'zh-CN': (d) => {
      const trl = d.optionalCount('verifiedTrl');
      const lines = [`项目验收通过，${zhResult(d)}已自动生成成果库草稿。`];
      if (trl !== null) lines.push(`验收专家组认定的技术就绪度为 TRL ${trl}，将作为核验值与自评值并列展示。`);
      lines.push('请补充知识产权、转化方式等信息后提交审核，审核通过后在成果库公开。');
      return { subject: `验收成果已生成草稿：${d.text('title')}`, lines };
    },
    en: (d) => {
      const trl = d.optionalCount('verifiedTrl');
      const lines = [
        `The project passed its acceptance: ${enResult(d)} has been drafted into the results library.`,
      ];
      if (trl !== null)
        lines.push(
          `The acceptance panel verified its readiness at TRL ${trl}, shown beside the level you claim.`,
        );
      lines.push(
        'Please complete its IP records and transfer modes and submit it for vetting; once approved it is public.',
      );
      return { subject: `Result drafted from your acceptance: ${d.text('title')}`, lines };
    },
  },
  'result.published': {
    'zh-CN': (d) => ({
      subject: `成果已发布：${d.text('title')}`,
      lines: [`${zhResult(d)}已通过审核，在成果库公开发布。`, '保密内容不公开。'],
    }),
    en: (d) => ({
      subject: `Result published: ${d.text('title')}`,
      lines: [
        `${sentence(enResult(d))} passed vetting and is published in the results library.`,
        'Its confidential details are not shown.',
      ],
    }),
  },
  'result.returned': {
    'zh-CN': (d) => ({
      subject: `成果被退回：${d.text('title')}`,
      lines: [
        `${zhResult(d)}未通过审核，已退回修改。`,
        `退回原因：${d.text('reason')}`,
        '请修改后重新提交审核。',
      ],
    }),
    en: (d) => ({
      subject: `Result returned: ${d.text('title')}`,
      lines: [
        `${sentence(enResult(d))} did not pass vetting and was returned for revision.`,
        `Reason: ${d.text('reason')}`,
        'Please revise it and submit it again.',
      ],
    }),
  },
  // — utilisation reports: asked once a year, reminded, overdue —
  'result.utilisation_requested': {
    'zh-CN': (d) => ({
      subject: `请填报成果转化应用情况：${d.text('title')}`,
      lines: [
        `请于 ${zhTime(d.instant('dueAt'))}前填报${zhResult(d)}${zhYear(d)}：是否应用、应用方式及收益。`,
      ],
    }),
    en: (d) => ({
      subject: `Utilisation report requested: ${d.text('title')}`,
      lines: [
        `Please file ${enYear(d)} of ${enResult(d)} before ${enTime(d.instant('dueAt'))}: whether it is used, how, and any revenue.`,
      ],
    }),
  },
  'result.utilisation_due_soon': {
    'zh-CN': (d) => ({
      subject: `成果转化应用情况填报即将到期：${d.text('title')}`,
      lines: [`${zhResult(d)}${zhYear(d)}将于 ${zhTime(d.instant('dueAt'))}到期，尚未填报。`, '请及时填报。'],
    }),
    en: (d) => ({
      subject: `Utilisation report due soon: ${d.text('title')}`,
      lines: [
        `${sentence(enYear(d))} of ${enResult(d)} is due at ${enTime(d.instant('dueAt'))} and has not been filed.`,
        'Please file it in time.',
      ],
    }),
  },
  'result.utilisation_overdue': {
    'zh-CN': (d) => ({
      subject: `成果转化应用情况逾期未报：${d.text('title')}`,
      lines: [
        `${zhResult(d)}${zhYear(d)}已于 ${zhTime(d.instant('dueAt'))}到期，仍未填报，已记为逾期。`,
        '逾期后仍可补报，逾期记录将保留。',
      ],
    }),
    en: (d) => ({
      subject: `Utilisation report overdue: ${d.text('title')}`,
      lines: [
        `${sentence(enYear(d))} of ${enResult(d)} was due at ${enTime(d.instant('dueAt'))} and was not filed: it is now overdue.`,
        'It can still be filed late; the delay stays on record.',
      ],
    }),
  },
};
