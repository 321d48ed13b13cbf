import { fixed, text } from '../notification-format';
import { anyOf, enabledUsersOfOrganization } from '../notification-recipients';
import type { NotificationRule, Recipients } from '../notification-recipients';

/** The users of the need's enterprise. */
const enterprise = enabledUsersOfOrganization('enterpriseOrganizationId');

/** The broker who claimed the need (nobody before a claim). */
const broker: Recipients = async (event) => {
  const id = event.data.brokerUserId;
  return typeof id === 'string' ? [id] : [];
};

/** The party introduced: an interested organization's users, or an introduced expert alone (ADR 0060). */
const introduced: Recipients = async (event, em) => {
  if (typeof event.data.introducedUserId === 'string') return [event.data.introducedUserId];
  if (typeof event.data.interestedOrganizationId !== 'string') return [];
  return enabledUsersOfOrganization('interestedOrganizationId')(event, em);
};

/** The users of the service centre the need was routed to. */
const centre = enabledUsersOfOrganization('centreOrganizationId');

const need = (e: Parameters<NotificationRule['body']>[0]) => `「${text(e.data, 'title')}」`;

/** Rules of the transfer loop's industry-demand library (ADR 0058). Texts never quote confidential details. */
export const NEEDS_RULES: readonly NotificationRule[] = [
  {
    event: 'need.filed',
    recipients: enterprise,
    title: fixed('需求已提交'),
    body: (e) => `您单位的需求${need(e)}已提交，将由技术转移服务机构诊断`,
  },
  {
    event: 'need.routed',
    recipients: centre,
    title: fixed('新的企业需求待认领'),
    body: (e) => `企业需求${need(e)}已分派到本服务机构，请技术经纪人认领`,
  },
  {
    event: 'need.claimed',
    recipients: enterprise,
    title: fixed('需求已由技术经纪人认领'),
    body: (e) => `您单位的需求${need(e)}已由技术经纪人认领，正在诊断`,
  },
  {
    event: 'need.refined',
    recipients: anyOf(enterprise, broker),
    title: fixed('需求已完成提炼'),
    body: (e) => `需求${need(e)}已完成诊断提炼，进入需求库公开`,
  },
  {
    event: 'need.returned',
    recipients: enterprise,
    title: fixed('需求被退回'),
    body: (e) => `您单位的需求${need(e)}被退回，原因：${text(e.data, 'reason')}`,
  },
  {
    event: 'need.long_term',
    recipients: enterprise,
    title: fixed('需求转为长期跟踪'),
    body: (e) => `您单位的需求${need(e)}已转为长期跟踪需求`,
  },
  {
    event: 'need.listed',
    recipients: anyOf(enterprise, broker),
    title: fixed('需求已转为榜单草稿'),
    body: (e) => `需求${need(e)}已转为您单位的榜单草稿，请完善后提交审核`,
  },
  {
    event: 'need.matched',
    recipients: anyOf(enterprise, broker),
    title: fixed('需求已对接成功'),
    body: (e) => `需求${need(e)}已对接成功`,
  },
  {
    event: 'need.expiring_soon',
    recipients: anyOf(enterprise, broker),
    title: fixed('需求即将到期'),
    body: (e) => `需求${need(e)}将于 ${Number(e.data.hoursBefore)} 小时后到期，如仍需要请续期`,
  },
  {
    event: 'need.expired',
    recipients: anyOf(enterprise, broker),
    title: fixed('需求已到期'),
    body: (e) => `需求${need(e)}已到期，可续期恢复`,
  },
  {
    event: 'need.interest_expressed',
    recipients: broker,
    title: fixed('有单位对需求表达了对接意向'),
    body: (e) => `有单位对需求${need(e)}表达了对接意向，请查看`,
  },
  {
    event: 'introduction.made',
    recipients: anyOf(enterprise, introduced),
    title: fixed('技术经纪人已安排对接'),
    body: (e) => `技术经纪人已就需求${need(e)}安排对接，请留意后续联系`,
  },
  {
    event: 'match.found',
    recipients: anyOf(enterprise, broker),
    title: fixed('成果库中有与需求匹配的成果'),
    body: (e) => `新发布的成果与需求${need(e)}高度匹配，请查看匹配结果`,
  },
];
