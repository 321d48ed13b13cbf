import { EntityManager } from 'typeorm';
import { JsonObject, JsonValue } from '../../../common/json';
import { DeliveredEvent } from '../../../infra/events/domain-event-handler';

/** Who an event concerns, found inside the handler's transaction. */
export type Recipients = (event: DeliveredEvent, em: EntityManager) => Promise<string[]>;

export interface NotificationRule {
  /** The outbox event type. */
  event: string;
  recipients: Recipients;
  title: (event: DeliveredEvent) => string;
  body: (event: DeliveredEvent) => string;
}

function text(data: JsonObject, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || !value) throw new Error(`Event data has no "${key}"`);
  return value;
}

/** The user whose id is `data[key]`. */
export const userIn =
  (key: string): Recipients =>
  async (event) => [text(event.data, key)];

/** Every enabled user of the organization whose id is `data[key]`. */
export const enabledUsersOfOrganization =
  (key: string): Recipients =>
  async (event, em) => {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM users WHERE organization_id = $1 AND enabled ORDER BY id`,
      [text(event.data, key)],
    );
    return rows.map((r) => r.id);
  };

/** Every enabled user with the role (admins are told of lists waiting for vetting). */
export const enabledUsersWithRole =
  (role: string): Recipients =>
  async (_event, em) => {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM users WHERE enabled AND $1 = ANY(roles) ORDER BY id`,
      [role],
    );
    return rows.map((r) => r.id);
  };

/**
 * The people following the list `data[key]`: its watchers, those who made its undertaking, and the
 * members of every organization with a bid on it (draft or submitted, not withdrawn).
 */
export const followersOfChallenge =
  (key: string): Recipients =>
  async (event, em) => {
    const rows: Array<{ user_id: string }> = await em.query(
      `SELECT w.user_id FROM challenge_watchers w JOIN users u ON u.id = w.user_id
       WHERE w.challenge_id = $1 AND u.enabled
       UNION
       SELECT n.user_id FROM challenge_ndas n JOIN users u ON u.id = n.user_id
       WHERE n.challenge_id = $1 AND u.enabled
       UNION
       SELECT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.challenge_id = $1 AND a.status <> 'withdrawn' AND u.enabled`,
      [text(event.data, key)],
    );
    return rows.map((r) => r.user_id);
  };

/** Those a reminder before closing is for: the watchers of list `data[key]` and the holders of its draft bids. */
export const watchersAndDraftHolders =
  (key: string): Recipients =>
  async (event, em) => {
    const rows: Array<{ user_id: string }> = await em.query(
      `SELECT w.user_id FROM challenge_watchers w JOIN users u ON u.id = w.user_id
       WHERE w.challenge_id = $1 AND u.enabled
       UNION
       SELECT u.id FROM applications a JOIN users u ON u.id IN (a.created_by, a.leader_user_id)
       WHERE a.challenge_id = $1 AND a.status = 'draft' AND u.enabled`,
      [text(event.data, key)],
    );
    return rows.map((r) => r.user_id).sort();
  };

/**
 * Every enabled user of the lead organization of the bid whose id is `data[key]`: events that
 * reach the issuer's users too name the bid by id, never by its organization (blind programs).
 */
export const enabledUsersOfBidOrganization =
  (key: string): Recipients =>
  async (event, em) => {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.id = $1 AND u.enabled ORDER BY u.id`,
      [text(event.data, key)],
    );
    return rows.map((r) => r.id);
  };

/** Everyone any of the recipient lists names, once. */
export const anyOf =
  (...lists: Recipients[]): Recipients =>
  async (event, em) => {
    const ids = new Set<string>();
    for (const list of lists) for (const id of await list(event, em)) ids.add(id);
    return [...ids];
  };

const ROLE_NAMES: Record<string, string> = {
  admin: '平台管理员',
  issuer: '发榜单位',
  applicant: '揭榜单位',
  expert: '评审专家',
  integration: '系统集成',
};

function roleList(value: JsonValue | undefined): string {
  const roles = Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
  return roles.length ? roles.map((r) => ROLE_NAMES[r] ?? r).join('、') : '无';
}

const fixed = (s: string) => () => s;

/** 「title」 of a challenge event. */
const listTitle = (e: DeliveredEvent) => `「${text(e.data, 'title')}」`;
const issuerOrg = enabledUsersOfOrganization('issuerOrganizationId');
const followers = followersOfChallenge('challengeId');

/** Every enabled user of the lead organizations of the bids in `data[key]` (an array of ids). */
const usersOfBidsIn =
  (key: string): Recipients =>
  async (event, em) => {
    const ids = event.data[key];
    if (!Array.isArray(ids)) throw new Error(`Event data has no "${key}"`);
    const rows: Array<{ id: string }> = await em.query(
      `SELECT DISTINCT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.id = ANY($1) AND u.enabled ORDER BY u.id`,
      [ids],
    );
    return rows.map((r) => r.id);
  };

/**
 * Every enabled user of the lead organizations of the bids on list `data[listKey]` that were in the
 * running (submitted, not withdrawn) and are not among the bids in `data[selectedKey]`: the bidders
 * a selection passed over.
 */
const usersOfOtherBids =
  (listKey: string, selectedKey: string): Recipients =>
  async (event, em) => {
    const selected = event.data[selectedKey];
    if (!Array.isArray(selected)) throw new Error(`Event data has no "${selectedKey}"`);
    const rows: Array<{ id: string }> = await em.query(
      `SELECT DISTINCT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.challenge_id = $1 AND a.status NOT IN ('draft', 'withdrawn') AND a.id <> ALL($2::uuid[])
         AND u.enabled ORDER BY u.id`,
      [text(event.data, listKey), selected],
    );
    return rows.map((r) => r.id);
  };

const SESSION_KIND_NAMES: Record<string, string> = { defence: '答辩', site_visit: '现场考察' };
const beijingTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** 答辩 or 现场考察 of a session event. */
const sessionKind = (e: DeliveredEvent) => SESSION_KIND_NAMES[text(e.data, 'kind')] ?? text(e.data, 'kind');
/** An instant of event data in Beijing time: 2027/03/05 09:30（北京时间）. */
const beijing = (e: DeliveredEvent, key: string) =>
  `${beijingTime.format(new Date(text(e.data, key)))}（北京时间）`;
/** When, how long and where a session takes place. */
const sessionPlan = (e: DeliveredEvent) => {
  const parts = [`时间：${beijing(e, 'scheduledAt')}`, `时长：${Number(e.data.durationMinutes)} 分钟`];
  if (typeof e.data.location === 'string') parts.push(`地点：${e.data.location}`);
  if (typeof e.data.meetingLink === 'string') parts.push(`线上会议：${e.data.meetingLink}`);
  return parts.join('；');
};
const sessionParties = anyOf(enabledUsersOfBidOrganization('applicationId'), issuerOrg);

/**
 * Which events notify whom, and what they say. A new rule is one entry; the handler subscribes
 * to every `event` listed here.
 */
export const NOTIFICATION_RULES: readonly NotificationRule[] = [
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
      const list = `「${text(e.data, 'challengeTitle')}」`;
      const outcome = text(e.data, 'outcome');
      if (outcome === 'eligible') return `您对榜单${list}的揭榜申请已通过形式审查`;
      const reason = typeof e.data.reason === 'string' ? e.data.reason : '';
      return outcome === 'returned'
        ? `您对榜单${list}的揭榜申请被退回修改（请在截止前重新提交），原因：${reason}`
        : `您对榜单${list}的揭榜申请未通过形式审查，原因：${reason}`;
    },
  },
  {
    event: 'challenge.submitted',
    recipients: enabledUsersWithRole('admin'),
    title: fixed('新榜单待审核'),
    body: (e) => `榜单${listTitle(e)}已提交，等待审核`,
  },
  {
    event: 'challenge.published',
    recipients: issuerOrg,
    title: fixed('榜单审核通过并已发布'),
    body: (e) => `榜单${listTitle(e)}已审核通过并发布，编号 ${text(e.data, 'code')}`,
  },
  {
    event: 'challenge.rejected',
    recipients: issuerOrg,
    title: fixed('榜单审核未通过'),
    body: (e) => `榜单${listTitle(e)}被退回修改，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.opened',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已开放揭榜'),
    body: (e) => `榜单${listTitle(e)}已开始接受揭榜申报`,
  },
  {
    event: 'challenge.closing_soon',
    recipients: watchersAndDraftHolders('challengeId'),
    title: fixed('榜单揭榜即将截止'),
    body: (e) => `榜单${listTitle(e)}的揭榜申报将于${beijing(e, 'closesAt')}截止，尚未提交的申请请及时提交`,
  },
  {
    event: 'challenge.closed',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单揭榜已截止'),
    body: (e) => `榜单${listTitle(e)}的揭榜申报已截止`,
  },
  {
    event: 'challenge.amended',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单发布变更'),
    body: (e) =>
      `榜单${listTitle(e)}发布了第 ${Number(e.data.amendmentNumber)} 号变更：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.withdrawn',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已撤回'),
    body: (e) => `榜单${listTitle(e)}已由发榜单位撤回`,
  },
  {
    event: 'challenge.cancelled',
    recipients: anyOf(issuerOrg, followers),
    title: fixed('榜单已取消'),
    body: (e) => `榜单${listTitle(e)}已被取消，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'review.assigned',
    recipients: userIn('expertUserId'),
    title: fixed('您已被抽选为评审专家'),
    body: (e) => `您已被抽选为榜单${listTitle(e)}的评审专家，请先声明有无利益冲突，再查看申请并评分`,
  },
  {
    event: 'review.due_soon',
    recipients: userIn('expertUserId'),
    title: fixed('评审即将截止'),
    body: (e) =>
      `榜单${listTitle(e)}的专家评审将于${beijing(e, 'dueAt')}截止，您还有 ${Number(e.data.unsubmittedAssignments)} 份申请未提交评分，请及时完成`,
  },
  {
    event: 'review.overdue',
    recipients: enabledUsersWithRole('admin'),
    title: fixed('专家评审已逾期'),
    body: (e) =>
      Number(e.data.expertsBehind) > 0
        ? `榜单${listTitle(e)}的专家评审已于${beijing(e, 'dueAt')}到期，仍有 ${Number(e.data.expertsBehind)} 位专家的 ${Number(e.data.unsubmittedAssignments)} 份评分未提交；可催办，或说明理由后结束评审`
        : `榜单${listTitle(e)}的专家评审已于${beijing(e, 'dueAt')}到期，在任专家均已提交，但评审组人数不足，请说明理由后结束评审`,
  },
  {
    event: 'review.completed',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('专家评审已完成'),
    body: (e) => `榜单${listTitle(e)}的专家评审已结束，评审排名已生成`,
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
    recipients: anyOf(issuerOrg, usersOfBidsIn('applicationIds'), enabledUsersWithRole('admin')),
    title: fixed('揭榜结果公示'),
    body: (e) =>
      `榜单${listTitle(e)}的拟揭榜单位已确定并进入公示期，公示截止 ${beijing(e, 'publicityEndsAt')}`,
  },
  {
    // The bidders passed over hear it from the platform, not from the public notice.
    event: 'selection.publicized',
    recipients: usersOfOtherBids('challengeId', 'applicationIds'),
    title: fixed('揭榜申请未入选'),
    body: (e) =>
      `您对榜单${listTitle(e)}的揭榜申请未入选拟揭榜名单。结果公示至 ${beijing(e, 'publicityEndsAt')}，如有异议可在此前提出`,
  },
  {
    event: 'selection.publicity_ending',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('公示期即将结束'),
    body: (e) =>
      `榜单${listTitle(e)}的揭榜结果公示将于${beijing(e, 'publicityEndsAt')}结束，如有异议请在此前提出` +
      (Number(e.data.pendingObjections) > 0
        ? `；目前有 ${Number(e.data.pendingObjections)} 项异议待处理`
        : ''),
  },
  {
    event: 'selection.reopened',
    recipients: anyOf(issuerOrg, usersOfBidsIn('applicationIds'), enabledUsersWithRole('admin')),
    title: fixed('公示结果已撤销'),
    body: (e) => `榜单${listTitle(e)}的异议经核查成立，遴选结果已撤销，重新遴选`,
  },
  {
    event: 'challenge.unsuccessful',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('榜单流榜'),
    body: (e) => `榜单${listTitle(e)}无申请达到评审合格线，已流榜。原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'challenge.awarded',
    recipients: anyOf(issuerOrg, followers, enabledUsersWithRole('admin')),
    title: fixed('揭榜结果已确定'),
    body: (e) => `榜单${listTitle(e)}公示期满，揭榜结果已确定，项目待签订任务书`,
  },
  {
    event: 'objection.lodged',
    // The issuer is told too (as its webhooks are): the award waits until the objection is decided.
    recipients: anyOf(enabledUsersWithRole('admin'), issuerOrg),
    title: fixed('收到公示异议'),
    body: (e) =>
      `榜单${listTitle(e)}在公示期内收到一项异议，由平台管理员核查处理，处理完毕前不予确定揭榜结果`,
  },
  {
    event: 'objection.decided',
    recipients: anyOf(userIn('objectorUserId'), enabledUsersWithRole('admin')),
    title: fixed('公示异议处理结果'),
    body: (e) => `关于榜单${listTitle(e)}的异议处理状态：${text(e.data, 'status')}`,
  },
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
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin'), async (event, em) => {
      const ids = event.data.leadOrganizationIds;
      if (!Array.isArray(ids) || !ids.length) return [];
      const rows: Array<{ id: string }> = await em.query(
        `SELECT id FROM users WHERE organization_id = ANY($1::uuid[]) AND enabled ORDER BY id`,
        [ids],
      );
      return rows.map((r) => r.id);
    }),
    title: fixed('赛马阶段评估结果'),
    body: (e) => `榜单${listTitle(e)}的赛马阶段评估已完成，各揭榜团队的继续或终止决定已作出`,
  },
  // — payments —
  {
    event: 'payment.paid',
    recipients: anyOf(enabledUsersOfOrganization('leadOrganizationId'), issuerOrg),
    title: fixed('项目经费已拨付'),
    body: (e) =>
      `榜单${listTitle(e)}项目的一笔${e.data.payer === 'fiscal' ? '财政' : '发榜方配套'}经费已拨付，金额 ${(Number(e.data.amountFen) / 100).toFixed(2)} 元`,
  },
  // — acceptance —
  {
    event: 'acceptance.requested',
    recipients: anyOf(issuerOrg, enabledUsersWithRole('admin')),
    title: fixed('项目已申请验收'),
    body: (e) => `榜单${listTitle(e)}的揭榜项目已提交验收申请，验收专家组已抽取`,
  },
  {
    event: 'acceptance.assigned',
    recipients: userIn('expertUserId'),
    title: fixed('您已被抽选为验收专家'),
    body: (e) =>
      `您已被抽选为榜单${listTitle(e)}揭榜项目的验收专家，请先声明有无利益冲突，再逐项给出验收意见`,
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
      `榜单${listTitle(e)}的揭榜项目验收结论：${
        { passed: '通过', passed_with_conditions: '有条件通过', failed: '不通过' }[text(e.data, 'outcome')] ??
        text(e.data, 'outcome')
      }${e.data.exemption === true ? '（予以尽职免责）' : ''}`,
  },
  // — the official calendar (docs/adr/0039) —
  {
    event: 'calendar.year_missing',
    recipients: enabledUsersWithRole('admin'),
    title: fixed('工作日历缺失'),
    body: (e) => {
      const year = Number(e.data.year);
      return (
        `${year}年的法定节假日和调休安排尚未录入工作日历，涉及${year}年的工作日期限（如公示期、评审期限）暂按周一至周五计算，` +
        `未扣除节假日。请按国务院办公厅关于${year}年部分节假日安排的通知录入（PUT /api/v1/calendar/${year}）`
      );
    },
  },
  // — webhooks (docs/adr/0030) —
  {
    event: 'webhook.disabled',
    // The admin who owns the subscription, or the admin who created the owning integration key.
    recipients: async (event, em) => {
      const rows: Array<{ id: string }> = await em.query(
        `SELECT id FROM users WHERE enabled
           AND (id = $1::uuid OR id = (SELECT created_by FROM api_keys WHERE id = $2::uuid))
         ORDER BY id`,
        [event.data.ownerUserId ?? null, event.data.ownerApiKeyId ?? null],
      );
      return rows.map((r) => r.id);
    },
    title: fixed('Webhook 订阅已停用'),
    body: (e) =>
      `发往 ${text(e.data, 'urlHost')} 的 Webhook 订阅已停用：${
        text(e.data, 'reason') === 'gone' ? '接收方返回 410 Gone' : '投递持续失败'
      }。如需继续接收事件，请检查接收端后重新订阅`,
  },
];

export const NOTIFIED_EVENT_TYPES = NOTIFICATION_RULES.map((rule) => rule.event);
