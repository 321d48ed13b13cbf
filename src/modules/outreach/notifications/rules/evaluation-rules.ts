import { beijing, fixed, quotedChallengeTitle, sessionKind, sessionPlan, text } from '../notification-format';
import {
  anyOf,
  enabledUsersOfApplicantOrganization,
  enabledUsersWithRole,
  followers,
  issuerOrg,
  userIn,
  usersOfApplicationsIn,
  usersOfOtherApplications,
} from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

const sessionParties = anyOf(enabledUsersOfApplicantOrganization('applicationId'), issuerOrg);

/** Rules of review, sessions, selection and objections. */
export const EVALUATION_RULES: readonly NotificationRule[] = [
  {
    event: 'review.assigned',
    recipients: userIn('expertUserId'),
    title: fixed('您已被抽选为评审专家'),
    body: (e) =>
      `您已被抽选为榜单${quotedChallengeTitle(e)}的评审专家，请先声明有无利益冲突，再查看申请并评分`,
  },
  {
    event: 'review.due_soon',
    recipients: userIn('expertUserId'),
    title: fixed('评审即将截止'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}的专家评审将于${beijing(e, 'dueAt')}截止，您还有 ${Number(e.data.unsubmittedAssignments)} 份申请未提交评分，请及时完成`,
  },
  {
    event: 'review.overdue',
    recipients: enabledUsersWithRole('admin'),
    title: fixed('专家评审已逾期'),
    body: (e) =>
      Number(e.data.expertsBehind) > 0
        ? `榜单${quotedChallengeTitle(e)}的专家评审已于${beijing(e, 'dueAt')}到期，仍有 ${Number(e.data.expertsBehind)} 位专家的 ${Number(e.data.unsubmittedAssignments)} 份评分未提交；可催办，或说明理由后结束评审`
        : `榜单${quotedChallengeTitle(e)}的专家评审已于${beijing(e, 'dueAt')}到期，在任专家均已提交，但评审组人数不足，请说明理由后结束评审`,
  },
  {
    event: 'review.completed',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('专家评审已完成'),
    body: (e) => `榜单${quotedChallengeTitle(e)}的专家评审已结束，评审排名已生成`,
  },
  {
    event: 'session.scheduled',
    recipients: sessionParties,
    title: (e) => `${sessionKind(e)}已安排`,
    body: (e) =>
      `榜单「${text(e.data, 'challengeTitle')}」的一份揭榜申请已安排${sessionKind(e)}。${sessionPlan(e)}`,
  },
  {
    event: 'session.rescheduled',
    recipients: sessionParties,
    title: (e) => `${sessionKind(e)}安排已变更`,
    body: (e) =>
      `榜单「${text(e.data, 'challengeTitle')}」的一份揭榜申请的${sessionKind(e)}（原定 ${beijing(e, 'previousScheduledAt')}）安排已变更。${sessionPlan(e)}`,
  },
  {
    event: 'session.cancelled',
    recipients: sessionParties,
    title: (e) => `${sessionKind(e)}已取消`,
    body: (e) =>
      `榜单「${text(e.data, 'challengeTitle')}」的一份揭榜申请原定 ${beijing(e, 'scheduledAt')} 的${sessionKind(e)}已取消，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'selection.publicized',
    recipients: anyOf(issuerOrg, usersOfApplicationsIn('applicationIds'), enabledUsersWithRole('admin')),
    title: fixed('揭榜结果公示'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}的拟揭榜单位已确定并进入公示期，公示截止 ${beijing(e, 'publicityEndsAt')}`,
  },
  {
    // The applicants passed over hear it from the platform, not from the public notice.
    event: 'selection.publicized',
    recipients: usersOfOtherApplications('challengeId', 'applicationIds'),
    title: fixed('揭榜申请未入选'),
    body: (e) =>
      `您对榜单${quotedChallengeTitle(e)}的揭榜申请未入选拟揭榜名单。结果公示至 ${beijing(e, 'publicityEndsAt')}，如有异议可在此前提出`,
  },
  {
    event: 'selection.publicity_ending',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('公示期即将结束'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}的揭榜结果公示将于${beijing(e, 'publicityEndsAt')}结束，如有异议请在此前提出` +
      (Number(e.data.pendingObjections) > 0
        ? `；目前有 ${Number(e.data.pendingObjections)} 项异议待处理`
        : ''),
  },
  {
    event: 'selection.reopened',
    recipients: anyOf(issuerOrg, usersOfApplicationsIn('applicationIds'), enabledUsersWithRole('admin')),
    title: fixed('公示结果已撤销'),
    body: (e) => `榜单${quotedChallengeTitle(e)}的异议经核查成立，遴选结果已撤销，重新遴选`,
  },
  {
    event: 'challenge.unsuccessful',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('榜单流榜'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}无申请达到评审合格线，已流榜。原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.awarded',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('揭榜结果已确定'),
    body: (e) => `榜单${quotedChallengeTitle(e)}公示期满，揭榜结果已确定，项目待签订任务书`,
  },
  {
    event: 'objection.lodged',
    // The issuer is told too (as its webhooks are): the award waits until the objection is decided.
    recipients: anyOf(enabledUsersWithRole('admin'), issuerOrg),
    title: fixed('收到公示异议'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}在公示期内收到一项异议，由平台管理员核查处理，处理完毕前不予确定揭榜结果`,
  },
  {
    event: 'objection.decided',
    recipients: anyOf(userIn('objectorUserId'), enabledUsersWithRole('admin')),
    title: fixed('公示异议处理结果'),
    body: (e) => `关于榜单${quotedChallengeTitle(e)}的异议处理状态：${text(e.data, 'status')}`,
  },
];
