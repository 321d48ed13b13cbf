import { beijing, fixed, quotedChallengeTitle, text } from '../notification-format';
import {
  anyOf,
  enabledUsersOfOrganization,
  enabledUsersOfOrganizationsIn,
  enabledUsersWithRole,
  issuerOrg,
  userIn,
} from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

/** Rules of delivery: projects, milestones, change requests, stage gates, payments, acceptance. */
export const DELIVERY_RULES: readonly NotificationRule[] = [
  // — projects, milestones, change requests, stage gates —
  {
    event: 'project.activated',
    recipients: anyOf(issuerOrg, enabledUsersOfOrganization('leadOrganizationId')),
    title: fixed('项目已立项'),
    body: () => '任务书已由发榜方、揭榜方和管理部门三方签订，项目已立项启动',
  },
  {
    event: 'project.suspended',
    recipients: anyOf(issuerOrg, enabledUsersOfOrganization('leadOrganizationId')),
    title: fixed('项目已暂停'),
    body: (e) => `项目已暂停，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'project.resumed',
    recipients: anyOf(issuerOrg, enabledUsersOfOrganization('leadOrganizationId')),
    title: fixed('项目已恢复'),
    body: () => '项目已恢复执行',
  },
  {
    event: 'project.terminated',
    recipients: anyOf(
      issuerOrg,
      enabledUsersOfOrganization('leadOrganizationId'),
      enabledUsersWithRole('admin'),
    ),
    title: fixed('项目已终止'),
    body: (e) => `项目已终止，未拨付的经费已取消。原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'milestone.submitted',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('收到里程碑进展报告'),
    body: (e) => `项目里程碑「${text(e.data, 'title')}」已提交进展报告，待评估`,
  },
  {
    event: 'milestone.assessed',
    recipients: anyOf(issuerOrg, enabledUsersOfOrganization('leadOrganizationId')),
    title: fixed('里程碑评估结果'),
    body: (e) =>
      `项目里程碑「${text(e.data, 'title')}」的评估结果：${
        { passed: '通过', conditionally_passed: '有条件通过', failed: '未通过' }[text(e.data, 'outcome')] ??
        text(e.data, 'outcome')
      }`,
  },
  {
    event: 'milestone.due_soon',
    recipients: enabledUsersOfOrganization('leadOrganizationId'),
    title: fixed('里程碑即将到期'),
    body: (e) => `项目里程碑「${text(e.data, 'title')}」将于${beijing(e, 'dueAt')}到期，请按时提交进展报告`,
  },
  {
    event: 'milestone.overdue',
    recipients: anyOf(
      issuerOrg,
      enabledUsersOfOrganization('leadOrganizationId'),
      enabledUsersWithRole('admin'),
    ),
    title: fixed('里程碑已逾期'),
    body: (e) =>
      `项目里程碑「${text(e.data, 'title')}」已到期（${beijing(e, 'dueAt')}）仍未通过评估，已标记逾期`,
  },
  {
    event: 'change_request.lodged',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('收到项目变更申请'),
    body: () => '揭榜方提交了一项任务书变更申请，待管理部门会同发榜方审核',
  },
  {
    event: 'change_request.decided',
    recipients: anyOf(issuerOrg, enabledUsersOfOrganization('leadOrganizationId')),
    title: fixed('项目变更申请审核结果'),
    body: (e) => `任务书变更申请已${text(e.data, 'decision') === 'approved' ? '批准' : '驳回'}`,
  },
  {
    event: 'stage_gate.decided',
    recipients: anyOf(
      issuerOrg,
      enabledUsersWithRole('admin'),
      enabledUsersOfOrganizationsIn('leadOrganizationIds'),
    ),
    title: fixed('赛马阶段评估结果'),
    body: (e) => `榜单${quotedChallengeTitle(e)}的赛马阶段评估已完成，各揭榜团队的继续或终止决定已作出`,
  },
  // — payments —
  {
    event: 'payment.paid',
    recipients: anyOf(enabledUsersOfOrganization('leadOrganizationId'), issuerOrg),
    title: fixed('项目经费已拨付'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}项目的一笔${e.data.payer === 'fiscal' ? '财政' : '发榜方配套'}经费已拨付，金额 ${(Number(e.data.amountFen) / 100).toFixed(2)} 元`,
  },
  // — acceptance —
  {
    event: 'acceptance.requested',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('项目已申请验收'),
    body: (e) => `榜单${quotedChallengeTitle(e)}的揭榜项目已提交验收申请，验收专家组已抽取`,
  },
  {
    event: 'acceptance.assigned',
    recipients: userIn('expertUserId'),
    title: fixed('您已被抽选为验收专家'),
    body: (e) =>
      `您已被抽选为榜单${quotedChallengeTitle(e)}揭榜项目的验收专家，请先声明有无利益冲突，再逐项给出验收意见`,
  },
  {
    event: 'acceptance.conditions_due_soon',
    recipients: anyOf(enabledUsersOfOrganization('leadOrganizationId'), enabledUsersWithRole('admin')),
    title: fixed('验收整改期限将至'),
    body: (e) => `有条件通过验收的整改条件将于${beijing(e, 'conditionsDueAt')}到期，请及时提交整改材料并确认`,
  },
  {
    event: 'acceptance.decided',
    recipients: anyOf(
      issuerOrg,
      enabledUsersOfOrganization('leadOrganizationId'),
      enabledUsersWithRole('admin'),
    ),
    title: fixed('项目验收结论'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}的揭榜项目验收结论：${
        { passed: '通过', passed_with_conditions: '有条件通过', failed: '不通过' }[text(e.data, 'outcome')] ??
        text(e.data, 'outcome')
      }${e.data.exemption === true ? '（予以尽职免责）' : ''}`,
  },
];
