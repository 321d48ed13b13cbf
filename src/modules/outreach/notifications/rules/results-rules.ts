import { beijing, fixed, quotedChallengeTitle, text } from '../notification-format';
import { anyOf, enabledUsersOfOrganization, enabledUsersWithRole } from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

const holderOrg = enabledUsersOfOrganization('organizationId');
const vetters = anyOf(enabledUsersWithRole('admin'), enabledUsersWithRole('broker'));

/** Rules of the results library and its utilisation reports (docs/adr/0059). */
export const RESULTS_RULES: readonly NotificationRule[] = [
  {
    event: 'result.drafted',
    recipients: holderOrg,
    title: fixed('验收成果已入成果库草稿'),
    body: (e) =>
      `项目验收通过，成果${quotedChallengeTitle(e)}已自动生成草稿` +
      `${e.data.verifiedTrl ? `（验收专家组认定技术就绪度 TRL ${Number(e.data.verifiedTrl)}）` : ''}，请补充后提交审核`,
  },
  {
    event: 'result.submitted',
    recipients: vetters,
    title: fixed('有成果待审核'),
    body: (e) => `成果${quotedChallengeTitle(e)}已提交成果库审核`,
  },
  {
    event: 'result.published',
    recipients: holderOrg,
    title: fixed('成果已发布'),
    body: (e) => `成果${quotedChallengeTitle(e)}已在成果库公开发布`,
  },
  {
    event: 'result.returned',
    recipients: holderOrg,
    title: fixed('成果被退回'),
    body: (e) => `成果${quotedChallengeTitle(e)}被退回修改，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'result.withdrawn',
    recipients: holderOrg,
    title: fixed('成果已撤回'),
    body: (e) => `成果${quotedChallengeTitle(e)}已从成果库撤回`,
  },
  {
    event: 'result.utilisation_requested',
    recipients: holderOrg,
    title: fixed('请填报成果转化应用情况'),
    body: (e) =>
      `请于${beijing(e, 'dueAt')}前填报成果${quotedChallengeTitle(e)}第 ${Number(e.data.year)} 年的转化应用情况`,
  },
  {
    event: 'result.utilisation_due_soon',
    recipients: holderOrg,
    title: fixed('成果转化应用情况填报即将到期'),
    body: (e) =>
      `成果${quotedChallengeTitle(e)}第 ${Number(e.data.year)} 年的转化应用情况将于${beijing(e, 'dueAt')}到期，请及时填报`,
  },
  {
    event: 'result.utilisation_reported',
    recipients: vetters,
    title: fixed('成果转化应用情况已填报'),
    body: (e) => `成果${quotedChallengeTitle(e)}第 ${Number(e.data.year)} 年的转化应用情况已填报`,
  },
  {
    event: 'result.utilisation_overdue',
    recipients: anyOf(holderOrg, enabledUsersWithRole('admin')),
    title: fixed('成果转化应用情况逾期未报'),
    body: (e) => `成果${quotedChallengeTitle(e)}第 ${Number(e.data.year)} 年的转化应用情况已逾期未填报`,
  },
];
