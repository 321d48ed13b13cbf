/** The outbox event types of an application. */
export const APPLICATION_EVENTS = {
  submitted: 'application.submitted',
  formalChecked: 'application.formal_checked',
  withdrawn: 'application.withdrawn',
} as const;

/** The audit actions of an application. */
export const APPLICATION_AUDIT = {
  created: 'application.created',
  updated: 'application.updated',
  pledged: 'application.pledged',
  submitted: 'application.submitted',
  withdrawn: 'application.withdrawn',
  formalChecked: 'application.formal_checked',
} as const;

export const APPLICATION_ENTITY = 'application';
