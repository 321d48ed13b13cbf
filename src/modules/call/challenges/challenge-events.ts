/** The outbox event types of a challenge; `challenge.published`, `.amended`, `.closed` are webhook events (API.md). */
export const CHALLENGE_EVENTS = {
  submitted: 'challenge.submitted',
  rejected: 'challenge.rejected',
  published: 'challenge.published',
  opened: 'challenge.opened',
  closed: 'challenge.closed',
  amended: 'challenge.amended',
  withdrawn: 'challenge.withdrawn',
  cancelled: 'challenge.cancelled',
  closingSoon: 'challenge.closing_soon',
} as const;

/**
 * Deadline kinds: the challenge opens at opensAt and closes at closesAt; reminders before closing at the
 * program's offsets (`challenge.closing_reminder@<h>h`, ADR 0008).
 */
export const CHALLENGE_DEADLINES = {
  open: 'challenge.open',
  close: 'challenge.close',
  closingReminder: 'challenge.closing_reminder',
} as const;

export const CHALLENGE_ENTITY = 'challenge';

/**
 * The audit actions of a challenge. A status change is audited as `challenge.<action>` of the
 * machine's row; the rest have their own names.
 */
export const CHALLENGE_AUDIT = {
  created: 'challenge.created',
  updated: 'challenge.updated',
  amended: 'challenge.amended',
  ndaAccepted: 'challenge.nda_accepted',
  submit: 'challenge.submit',
  withdraw: 'challenge.withdraw',
  approve: 'challenge.approve',
  reject: 'challenge.reject',
  cancel: 'challenge.cancel',
  open: 'challenge.open',
  close: 'challenge.close',
} as const;

/** The actions whose status change the challenges module audits itself (as `challenge.<action>`). */
export type AuditedChallengeAction = Exclude<
  keyof typeof CHALLENGE_AUDIT,
  'created' | 'updated' | 'amended' | 'ndaAccepted'
>;
