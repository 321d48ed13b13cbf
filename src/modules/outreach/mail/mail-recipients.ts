import { anyOf, NOTIFICATION_RULES, Recipients } from '../notifications/notification-rules';

/**
 * Who gets the mail of an event kind: exactly the people its in-app notification rule(s) tell
 * (notification-rules.ts), never a second table. Null when no rule names the kind yet.
 */
export function mailRecipientsOf(kind: string): Recipients | null {
  const rules = NOTIFICATION_RULES.filter((rule) => rule.event === kind);
  return rules.length ? anyOf(...rules.map((rule) => rule.recipients)) : null;
}
