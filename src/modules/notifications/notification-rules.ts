import { EntityManager } from 'typeorm';
import { JsonObject, JsonValue } from '../../common/json';
import { DeliveredEvent } from '../../infra/events/domain-event-handler';

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
];

export const NOTIFIED_EVENT_TYPES = NOTIFICATION_RULES.map((rule) => rule.event);
