/** What a result is (成果类型). */
export const RESULT_TYPES = [
  'patent',
  'software',
  'prototype',
  'process',
  'standard',
  'new_variety',
  'other',
] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** The ways a holder offers to transfer a result (转化方式). */
export const TRANSFER_MODES = [
  'assignment',
  'exclusive_licence',
  'non_exclusive_licence',
  'open_licence',
  'joint_development',
  'equity',
] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

/** The status of an IP record. */
export const IP_STATUSES = ['pending', 'granted', 'registered', 'expired', 'revoked'] as const;
export type IpStatus = (typeof IP_STATUSES)[number];

/** Where a result comes from: drafted from a passed acceptance, or entered by its holder. */
export const RESULT_SOURCES = ['acceptance', 'submission'] as const;
export type ResultSource = (typeof RESULT_SOURCES)[number];

/** The technology readiness levels of GB/T 22900. */
export const TRL_MIN = 1;
export const TRL_MAX = 9;

/** Outbox event types of the results library. */
export const RESULT_EVENTS = {
  drafted: 'result.drafted',
  submitted: 'result.submitted',
  published: 'result.published',
  returned: 'result.returned',
  withdrawn: 'result.withdrawn',
  utilisationRequested: 'result.utilisation_requested',
  utilisationReported: 'result.utilisation_reported',
  utilisationOverdue: 'result.utilisation_overdue',
  utilisationDueSoon: 'result.utilisation_due_soon',
} as const;

/** Audit actions of the results library. */
export const RESULT_ACTIONS = {
  created: 'result.created',
  drafted: 'result.drafted',
  updated: 'result.updated',
  submitted: 'result.submitted',
  published: 'result.published',
  returned: 'result.returned',
  withdrawn: 'result.withdrawn',
  ndaAccepted: 'result.nda_accepted',
  utilisationRequested: 'result.utilisation_requested',
  utilisationReported: 'result.utilisation_reported',
  utilisationOverdue: 'result.utilisation_overdue',
} as const;

/** The audit's and the scheduler's names for a result and a utilisation report. */
export const RESULT_ENTITY = 'result';
export const UTILISATION_ENTITY = 'result_utilisation_report';

/** Deadlines of a utilisation report: the yearly request, its due date, reminders before it. */
export const UTILISATION_DEADLINES = {
  request: 'result.utilisation_request',
  due: 'result.utilisation_due',
  reminder: 'result.utilisation_reminder',
} as const;

/** Days the holder has to file a utilisation report once asked. */
export const UTILISATION_WINDOW_DAYS = 30;
