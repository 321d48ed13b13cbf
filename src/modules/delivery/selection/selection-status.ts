import { StateMachine } from '../../../common/state-machine/state-machine';
import { DomainError } from '../../../common/errors/domain-error';
import type { SelectionStatus } from './entities/selection.entity';
import { OBJECTION_STATUSES, type ObjectionStatus } from './entities/objection.entity';

export const SELECTION_STATUSES: readonly SelectionStatus[] = ['active', 'reopened', 'finalized'];
export const SELECTION_ACTIONS = ['select', 'reopen', 'finalize'] as const;
export type SelectionAction = (typeof SELECTION_ACTIONS)[number];

/** A selection of a challenge's applications, under publicity (公示) until the award (ADR 0026). */
export const SELECTION_MACHINE = new StateMachine<SelectionStatus, SelectionAction>({
  aggregate: 'selection',
  states: SELECTION_STATUSES,
  actions: SELECTION_ACTIONS,
  transitions: [
    {
      action: 'select',
      from: [],
      to: 'active',
      by: 'admin',
      description: "shortlisted applications selected with the issuer's agreement; publicity starts",
    },
    {
      action: 'reopen',
      from: ['active'],
      to: 'reopened',
      by: 'admin',
      description: 'an objection was upheld: the challenge returns to review',
    },
    {
      action: 'finalize',
      from: ['active'],
      to: 'finalized',
      by: 'system',
      description: 'publicity ended with no objection pending: the award and its projects',
    },
  ],
});

export const OBJECTION_ACTIONS = ['lodge', 'investigate', 'uphold', 'dismiss'] as const;
export type ObjectionAction = (typeof OBJECTION_ACTIONS)[number];

/**
 * An objection (异议, ADR 0026): lodged → under_investigation → upheld | dismissed; an admin may
 * also decide a lodged objection at once when no investigation is needed.
 */
export const OBJECTION_MACHINE = new StateMachine<ObjectionStatus, ObjectionAction>({
  aggregate: 'objection',
  states: OBJECTION_STATUSES,
  actions: OBJECTION_ACTIONS,
  transitions: [
    { action: 'lodge', from: [], to: 'lodged', by: 'user', description: 'during publicity, with grounds' },
    {
      action: 'investigate',
      from: ['lodged'],
      to: 'under_investigation',
      by: 'admin',
      description: 'the admin investigates before deciding',
    },
    {
      action: 'uphold',
      from: ['lodged', 'under_investigation'],
      to: 'upheld',
      by: 'admin',
      description: 'the selection is reopened',
    },
    {
      action: 'dismiss',
      from: ['lodged', 'under_investigation'],
      to: 'dismissed',
      by: 'admin',
      description: 'the award follows when the period has ended and nothing else is pending',
    },
  ],
});

const DECISION_ACTIONS: Record<Exclude<ObjectionStatus, 'lodged'>, ObjectionAction> = {
  under_investigation: 'investigate',
  upheld: 'uphold',
  dismissed: 'dismiss',
};

/** The status an admin's decision gives an objection; 409 naming the requested status otherwise. */
export function decidedObjectionStatus(from: ObjectionStatus, requested: ObjectionStatus): ObjectionStatus {
  const action = requested === 'lodged' ? undefined : DECISION_ACTIONS[requested];
  if (!action || !OBJECTION_MACHINE.can(from, action)) throw DomainError.invalidTransition(from, requested);
  return OBJECTION_MACHINE.target(from, action);
}

/** Objections still waiting for a decision. */
export const PENDING_OBJECTION_STATUSES: readonly ObjectionStatus[] = ['lodged', 'under_investigation'];
