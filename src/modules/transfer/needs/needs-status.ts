import { PREVIOUS, SAME, StateMachine } from '../../../common/state-machine/state-machine';

export const NEED_STATUSES = [
  'submitted',
  'diagnosing',
  'refined',
  'listed',
  'matched',
  'long_term',
  'returned',
  'expired',
] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const NEED_ACTIONS = [
  'file',
  'resubmit',
  'claim',
  'diagnose',
  'refine',
  'return',
  'mark_long_term',
  'promote',
  'match',
  'expire',
  'renew',
  'accept_nda',
  'express_interest',
  'introduce',
] as const;
export type NeedAction = (typeof NEED_ACTIONS)[number];

/** The states in which the public sees a need (anonymously unless the enterprise chose otherwise). */
export const PUBLIC_NEED_STATUSES: readonly NeedStatus[] = ['refined', 'listed', 'matched', 'long_term'];

/** The states that run toward expiry (and may be renewed before it). */
const OPEN: NeedStatus[] = ['submitted', 'diagnosing', 'refined', 'long_term'];

/**
 * The need's state machine (TRANSFER.md "Industry-demand library", ADR 0058), as data. The broker's
 * work is diagnose-then-refine; the outcomes of a refined need (listed, matched, long_term,
 * returned) are rows of their own; expiry is one system row from every open state, and renewal has
 * two rows: before expiry it keeps the status, after it returns to the status the need had.
 */
export const NEED_MACHINE = new StateMachine<NeedStatus, NeedAction>({
  aggregate: 'need',
  states: NEED_STATUSES,
  actions: NEED_ACTIONS,
  transitions: [
    {
      action: 'file',
      from: [],
      to: 'submitted',
      by: 'enterprise',
      description: 'filed by an enterprise user; routed to a service centre by region and chain',
    },
    {
      action: 'resubmit',
      from: ['returned'],
      to: 'submitted',
      by: 'enterprise',
      description: 'a returned need, corrected, is filed again (routed again, expiry restarts)',
    },
    {
      action: 'claim',
      from: ['submitted'],
      to: 'diagnosing',
      by: 'broker',
      description: 'a broker of the routed centre or of an ancestor centre takes it',
    },
    {
      action: 'diagnose',
      from: ['diagnosing'],
      to: SAME,
      by: 'broker',
      description: 'the claiming broker records the real technical problem, the TRL needed and indicators',
    },
    {
      action: 'refine',
      from: ['diagnosing'],
      to: 'refined',
      by: 'broker',
      description: 'after a diagnosis: the need is refined and public (anonymous unless chosen otherwise)',
    },
    {
      action: 'return',
      from: ['submitted', 'diagnosing', 'refined'],
      to: 'returned',
      by: 'broker',
      description: 'back to the enterprise with a reason',
    },
    {
      action: 'mark_long_term',
      from: ['refined'],
      to: 'long_term',
      by: 'broker',
      description: 'no quick answer: tracked as a long-term need',
    },
    {
      action: 'promote',
      from: ['refined', 'long_term'],
      to: 'listed',
      by: 'broker or enterprise',
      description:
        "a draft challenge list of the enterprise's organization is made from it (linked both ways)",
    },
    {
      action: 'match',
      from: ['refined', 'long_term'],
      to: 'matched',
      by: 'broker',
      description: 'an introduction the broker made found the answer',
    },
    {
      action: 'expire',
      from: OPEN,
      to: 'expired',
      by: 'system',
      description: 'at expiresAt (deadline job; reminders before it), unless renewed',
    },
    {
      action: 'renew',
      from: OPEN,
      to: SAME,
      by: 'enterprise or broker',
      description: 'before expiry: expiresAt moves to now + the expiry period',
    },
    {
      action: 'renew',
      from: ['expired'],
      to: PREVIOUS,
      by: 'enterprise or broker',
      description: 'after expiry: back to the status it had, with a new expiresAt',
    },
    {
      action: 'accept_nda',
      from: PUBLIC_NEED_STATUSES,
      to: SAME,
      by: 'applicant',
      description: 'record the non-disclosure undertaking: the confidential details open',
    },
    {
      action: 'express_interest',
      from: ['refined', 'long_term'],
      to: SAME,
      by: 'applicant',
      description: 'a team or a results holder expresses interest in a public need',
    },
    {
      action: 'introduce',
      from: ['refined', 'long_term', 'listed'],
      to: SAME,
      by: 'broker',
      description: 'the broker introduces an interested party to the enterprise (recorded, notified)',
    },
  ],
});
