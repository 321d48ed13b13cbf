import { DELIVERY_RULES } from './rules/delivery-rules';
import { CALL_RULES } from './rules/call-rules';
import { EVALUATION_RULES } from './rules/evaluation-rules';
import { NEEDS_RULES } from './rules/needs-rules';
import { PLATFORM_RULES } from './rules/platform-rules';
import { RESULTS_RULES } from './rules/results-rules';
import { CONTRACT_RULES } from './rules/contract-rules';
import type { NotificationRule } from './notification-recipients';

export { anyOf } from './notification-recipients';
export type { NotificationRule, Recipients } from './notification-recipients';

/**
 * Which events notify whom, and what they say, by phase (rules/*.ts). A new rule is one entry; the
 * handler subscribes to every `event` listed here.
 */
export const NOTIFICATION_RULES: readonly NotificationRule[] = [
  ...CALL_RULES,
  ...EVALUATION_RULES,
  ...DELIVERY_RULES,
  ...NEEDS_RULES,
  ...RESULTS_RULES,
  ...CONTRACT_RULES,
  ...PLATFORM_RULES,
];

export const NOTIFIED_EVENT_TYPES = NOTIFICATION_RULES.map((rule) => rule.event);
