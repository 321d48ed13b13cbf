/** The deadline at the conditions' due date of a conditional pass. */
export const ACCEPTANCE_CONDITIONS_DEADLINE = 'acceptance.conditions_due';
/** Reminders before the conditions' due date, at the program's offsets (`…@<h>h`, ADR 0008). */
export const ACCEPTANCE_CONDITIONS_REMINDER = 'acceptance.conditions_reminder';

/** Outbox event types of acceptance. */
export const ACCEPTANCE_EVENTS = {
  requested: 'acceptance.requested',
  assigned: 'acceptance.assigned',
  decided: 'acceptance.decided',
  conditionsDueSoon: 'acceptance.conditions_due_soon',
} as const;

/** Audit actions of acceptance. */
export const ACCEPTANCE_ACTIONS = {
  requested: 'acceptance.requested',
  declared: 'acceptance.declared',
  memberReplaced: 'acceptance.member_replaced',
  verdictsSubmitted: 'acceptance.verdicts_submitted',
  decided: 'acceptance.decided',
  conditionsResolved: 'acceptance.conditions_resolved',
  projectAccepted: 'project.accepted',
  projectFailed: 'project.failed',
  integrityRecorded: 'integrity_record.created',
} as const;

/** The audit's and the scheduler's names for an acceptance and its panel member. */
export const ACCEPTANCE_ENTITY = 'acceptance';
export const ACCEPTANCE_MEMBER_ENTITY = 'acceptance_panel_member';
