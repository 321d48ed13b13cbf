/** The outbox event types of a list; `challenge.published`, `.amended`, `.closed` are webhook events (API.md). */
export const CHALLENGE_EVENTS = {
  submitted: 'challenge.submitted',
  rejected: 'challenge.rejected',
  published: 'challenge.published',
  opened: 'challenge.opened',
  closed: 'challenge.closed',
  amended: 'challenge.amended',
  withdrawn: 'challenge.withdrawn',
  cancelled: 'challenge.cancelled',
} as const;

/** Deadline kinds: the list opens at opensAt and closes at closesAt. */
export const CHALLENGE_DEADLINES = {
  open: 'challenge.open',
  close: 'challenge.close',
} as const;

export const CHALLENGE_ENTITY = 'challenge';
