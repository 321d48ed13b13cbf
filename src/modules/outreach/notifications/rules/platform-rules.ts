import { fixed, text } from '../notification-format';
import { enabledUsersWithRole, webhookOwners } from '../notification-recipients';
import type { NotificationRule } from '../notification-recipients';

/** Rules of the platform's own housekeeping: the official calendar, webhooks. */
export const PLATFORM_RULES: readonly NotificationRule[] = [
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
    recipients: webhookOwners,
    title: fixed('Webhook 订阅已停用'),
    body: (e) =>
      `发往 ${text(e.data, 'urlHost')} 的 Webhook 订阅已停用：${
        text(e.data, 'reason') === 'gone' ? '接收方返回 410 Gone' : '投递持续失败'
      }。如需继续接收事件，请检查接收端后重新订阅`,
  },
];
