import { JsonObject, JsonValue } from '../../../common/json';
import { DeliveredEvent } from '../../../infra/events/domain-event-handler';

/** The string at `data[key]` of an event; an event without it is a bug of its publisher. */
export function text(data: JsonObject, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || !value) throw new Error(`Event data has no "${key}"`);
  return value;
}

const ROLE_NAMES: Record<string, string> = {
  admin: '平台管理员',
  issuer: '发榜单位',
  applicant: '揭榜单位',
  expert: '评审专家',
  integration: '系统集成',
};

export function roleList(value: JsonValue | undefined): string {
  const roles = Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
  return roles.length ? roles.map((r) => ROLE_NAMES[r] ?? r).join('、') : '无';
}

export const fixed = (s: string) => () => s;

/** 「title」 of a challenge event. */
export const quotedChallengeTitle = (e: DeliveredEvent) => `「${text(e.data, 'title')}」`;

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
export const sessionKind = (e: DeliveredEvent) =>
  SESSION_KIND_NAMES[text(e.data, 'kind')] ?? text(e.data, 'kind');
/** An instant of event data in Beijing time: 2027/03/05 09:30（北京时间）. */
export const beijing = (e: DeliveredEvent, key: string) =>
  `${beijingTime.format(new Date(text(e.data, key)))}（北京时间）`;
/** When, how long and where a session takes place. */
export const sessionPlan = (e: DeliveredEvent) => {
  const parts = [`时间：${beijing(e, 'scheduledAt')}`, `时长：${Number(e.data.durationMinutes)} 分钟`];
  if (typeof e.data.location === 'string') parts.push(`地点：${e.data.location}`);
  if (typeof e.data.meetingLink === 'string') parts.push(`线上会议：${e.data.meetingLink}`);
  return parts.join('；');
};
