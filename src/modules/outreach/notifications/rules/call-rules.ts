import { fixed, quotedChallengeTitle, roleList, text, beijing } from '../notification-format';
import {
  anyOf,
  enabledUsersOfOrganization,
  enabledUsersWithRole,
  followers,
  issuerOrg,
  userIn,
  watchersAndDraftHolders,
} from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

/** Rules of the call phase: organizations, users, challenges and their applications. */
export const CALL_RULES: readonly NotificationRule[] = [
  {
    event: 'organization.verified',
    recipients: enabledUsersOfOrganization('organizationId'),
    title: fixed('单位认证已通过'),
    body: fixed('您的单位已通过平台认证'),
  },
  {
    event: 'user.roles_changed',
    recipients: userIn('userId'),
    title: fixed('账号角色已变更'),
    body: (e) => `您的账号角色已变更为：${roleList(e.data.roles)}`,
  },
  {
    event: 'application.submitted',
    recipients: issuerOrg,
    title: fixed('收到新的揭榜申请'),
    body: (e) => `榜单「${text(e.data, 'challengeTitle')}」收到一份揭榜申请`,
  },
  {
    event: 'application.withdrawn',
    recipients: issuerOrg,
    title: fixed('揭榜申请已撤回'),
    body: (e) => `榜单「${text(e.data, 'challengeTitle')}」的一份揭榜申请已撤回`,
  },
  {
    event: 'application.formal_checked',
    recipients: enabledUsersOfOrganization('leadOrganizationId'),
    title: fixed('揭榜申请形式审查结果'),
    body: (e) => {
      const challenge = `「${text(e.data, 'challengeTitle')}」`;
      const outcome = text(e.data, 'outcome');
      if (outcome === 'eligible') return `您对榜单${challenge}的揭榜申请已通过形式审查`;
      const reason = typeof e.data.reason === 'string' ? e.data.reason : '';
      return outcome === 'returned'
        ? `您对榜单${challenge}的揭榜申请被退回修改（请在截止前重新提交），原因：${reason}`
        : `您对榜单${challenge}的揭榜申请未通过形式审查，原因：${reason}`;
    },
  },
  {
    event: 'challenge.submitted',
    recipients: enabledUsersWithRole('admin'),
    title: fixed('新榜单待审核'),
    body: (e) => `榜单${quotedChallengeTitle(e)}已提交，等待审核`,
  },
  {
    event: 'challenge.published',
    recipients: issuerOrg,
    title: fixed('榜单审核通过并已发布'),
    body: (e) => `榜单${quotedChallengeTitle(e)}已审核通过并发布，编号 ${text(e.data, 'code')}`,
  },
  {
    event: 'challenge.rejected',
    recipients: issuerOrg,
    title: fixed('榜单审核未通过'),
    body: (e) => `榜单${quotedChallengeTitle(e)}被退回修改，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.opened',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已开放揭榜'),
    body: (e) => `榜单${quotedChallengeTitle(e)}已开始接受揭榜申报`,
  },
  {
    event: 'challenge.closing_soon',
    recipients: watchersAndDraftHolders('challengeId'),
    title: fixed('榜单揭榜即将截止'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}的揭榜申报将于${beijing(e, 'closesAt')}截止，尚未提交的申请请及时提交`,
  },
  {
    event: 'challenge.closed',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单揭榜已截止'),
    body: (e) => `榜单${quotedChallengeTitle(e)}的揭榜申报已截止`,
  },
  {
    event: 'challenge.amended',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单发布变更'),
    body: (e) =>
      `榜单${quotedChallengeTitle(e)}发布了第 ${Number(e.data.amendmentNumber)} 号变更：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.withdrawn',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已撤回'),
    body: (e) => `榜单${quotedChallengeTitle(e)}已由发榜单位撤回`,
  },
  {
    event: 'challenge.cancelled',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已取消'),
    body: (e) => `榜单${quotedChallengeTitle(e)}已被取消，原因：${text(e.data, 'reason')}`,
  },
];
