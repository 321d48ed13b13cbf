import { fixed, text } from '../notification-format';
import { anyOf, enabledUsersOfOrganization, enabledUsersWithRole } from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

const filingParty = enabledUsersOfOrganization('filedByOrganizationId');
const contractTitle = (data: Parameters<typeof text>[0]) => `「${text(data, 'title')}」`;

/** Rules of technology contract registration (技术合同登记, ADR 0061). */
export const CONTRACT_RULES: readonly NotificationRule[] = [
  {
    event: 'contract.submitted',
    recipients: filingParty,
    title: fixed('技术合同已提交登记'),
    body: (e) => `技术合同${contractTitle(e.data)}已提交登记，待登记机构审核`,
  },
  {
    event: 'contract.submitted',
    recipients: anyOf(enabledUsersWithRole('registrar')),
    title: fixed('收到技术合同登记申请'),
    body: (e) => `技术合同${contractTitle(e.data)}已提交登记，请审核`,
  },
  {
    event: 'contract.registered',
    recipients: filingParty,
    title: fixed('技术合同已登记'),
    body: (e) => `技术合同${contractTitle(e.data)}已登记，登记编号 ${text(e.data, 'registrationNumber')}`,
  },
  {
    event: 'contract.returned',
    recipients: filingParty,
    title: fixed('技术合同登记被退回'),
    body: (e) =>
      `技术合同${contractTitle(e.data)}的登记申请被退回，原因：${text(e.data, 'reason')}。请修改后重新提交`,
  },
];
