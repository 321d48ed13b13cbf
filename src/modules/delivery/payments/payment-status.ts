import { StateMachine } from '../../../common/state-machine/state-machine';
import { PAYMENT_STATUSES, type PaymentStatus } from './entities/payment.entity';

export const PAYMENT_ACTIONS = ['plan', 'approve', 'confirm', 'cancel'] as const;
export type PaymentAction = (typeof PAYMENT_ACTIONS)[number];

/** A tranche (拨付批次) of a project for one payer (ADR 0028). */
export const PAYMENT_MACHINE = new StateMachine<PaymentStatus, PaymentAction>({
  aggregate: 'payment',
  states: PAYMENT_STATUSES,
  actions: PAYMENT_ACTIONS,
  transitions: [
    {
      action: 'plan',
      from: [],
      to: 'scheduled',
      by: 'system',
      description: 'planned at activation: first, one per milestone, final, per payer',
    },
    {
      action: 'approve',
      from: ['scheduled'],
      to: 'approved',
      by: 'admin',
      description:
        'its milestone passed (or the project accepted for the final one); the first at activation',
    },
    {
      action: 'confirm',
      from: ['approved'],
      to: 'paid',
      by: 'admin',
      description: 'the money was paid, exactly once',
    },
    {
      action: 'cancel',
      from: ['scheduled', 'approved'],
      to: 'cancelled',
      by: 'admin',
      description: 'the project was terminated: the unpaid amount is released',
    },
  ],
});
