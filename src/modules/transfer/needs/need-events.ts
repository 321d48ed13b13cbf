/** The outbox event types of a need (ADR 0058); some are webhook events (webhook-events.ts). */
export const NEED_EVENTS = {
  filed: 'need.filed',
  routed: 'need.routed',
  claimed: 'need.claimed',
  diagnosed: 'need.diagnosed',
  refined: 'need.refined',
  returned: 'need.returned',
  longTerm: 'need.long_term',
  listed: 'need.listed',
  matched: 'need.matched',
  expiringSoon: 'need.expiring_soon',
  expired: 'need.expired',
  renewed: 'need.renewed',
  interestExpressed: 'need.interest_expressed',
  introductionMade: 'introduction.made',
} as const;

/** Deadline kinds: expiry at expiresAt, and reminders before it (`need.expiry_reminder@<h>h`). */
export const NEED_DEADLINES = {
  expire: 'need.expire',
  expiryReminder: 'need.expiry_reminder',
} as const;

/** Reminders before expiry: 7 days and 1 day. */
export const NEED_REMINDER_OFFSETS_HOURS = [168, 24] as const;

export const NEED_ENTITY = 'need';

/** The audit actions of a need: a status change is `need.<action>` of the machine's row. */
export const NEED_AUDIT = {
  file: 'need.file',
  resubmit: 'need.resubmit',
  claim: 'need.claim',
  diagnose: 'need.diagnose',
  refine: 'need.refine',
  return: 'need.return',
  mark_long_term: 'need.mark_long_term',
  promote: 'need.promote',
  match: 'need.match',
  expire: 'need.expire',
  renew: 'need.renew',
  ndaAccepted: 'need.nda_accepted',
  interestExpressed: 'need.interest_expressed',
  introduce: 'need.introduce',
} as const;
