/** Outbox event types of the review. */
export const REVIEW_EVENTS = {
  started: 'review.started',
  assigned: 'review.assigned',
  completed: 'review.completed',
  dueSoon: 'review.due_soon',
  overdue: 'review.overdue',
} as const;

/** A panel's due time, and the reminders before it (kind `review_panel.due_reminder@<h>h`). */
export const REVIEW_DEADLINES = {
  due: 'review_panel.due',
  dueReminder: 'review_panel.due_reminder',
} as const;

/** Audit actions of the review. */
export const REVIEW_ACTIONS = {
  started: 'review.started',
  declared: 'review.declared',
  memberReplaced: 'review.member_replaced',
  submitted: 'review.submitted',
  completed: 'review.completed',
} as const;

/** The audit's and the scheduler's name for a review panel. */
export const PANEL_ENTITY = 'review_panel';

/**
 * `申请 n`: an application named by its order of submission among the panel's applications, never
 * by its team.
 */
export function applicationLabel(position: number): string {
  return `申请 ${position}`;
}
