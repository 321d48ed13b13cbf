import { MailTemplate, yuan } from '../mail-data';

/** Mails of technology contract registration (技术合同登记, ADR 0061), to the filing party. */
export const CONTRACT_MAILS: Readonly<Record<string, MailTemplate>> = {
  'contract.registered': {
    'zh-CN': (d) => ({
      subject: `技术合同已登记：${d.text('registrationNumber')}`,
      lines: [
        `技术合同「${d.text('title')}」已完成登记，登记编号 ${d.text('registrationNumber')}。`,
        `合同金额 ${yuan(d.fen('contractAmountFen'))}，其中技术交易额 ${yuan(d.fen('technologyTransactionAmountFen'))}。`,
      ],
    }),
    en: (d) => ({
      subject: `Technology contract registered: ${d.text('registrationNumber')}`,
      lines: [
        `The technology contract “${d.text('title')}” is registered under ${d.text('registrationNumber')}.`,
        `Contract amount ${yuan(d.fen('contractAmountFen'))}, of which ${yuan(d.fen('technologyTransactionAmountFen'))} is the technology transaction amount.`,
      ],
    }),
  },
  'contract.returned': {
    'zh-CN': (d) => ({
      subject: `技术合同登记被退回：${d.text('title')}`,
      lines: [
        `技术合同「${d.text('title')}」的登记申请被退回。`,
        `退回原因：${d.text('reason')}`,
        '请修改后重新提交登记。',
      ],
    }),
    en: (d) => ({
      subject: `Technology contract returned: ${d.text('title')}`,
      lines: [
        `The registration of the technology contract “${d.text('title')}” was returned.`,
        `Reason: ${d.text('reason')}`,
        'Please correct it and file it again.',
      ],
    }),
  },
};
