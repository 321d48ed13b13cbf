import { DomainError } from '../../../common/errors/domain-error';
import type { PaymentStatus } from './entities/payment.entity';
import { PAYMENT_MACHINE, PaymentAction } from './payment-status';

const EXPECTED: Record<PaymentStatus, Partial<Record<PaymentAction, PaymentStatus>>> = {
  scheduled: { approve: 'approved', cancel: 'cancelled' },
  approved: { confirm: 'paid', cancel: 'cancelled' },
  paid: {},
  cancelled: {},
};

describe('PAYMENT_MACHINE', () => {
  for (const state of PAYMENT_MACHINE.states) {
    for (const action of PAYMENT_MACHINE.actions) {
      const expected = EXPECTED[state][action];
      it(`${state} × ${action} → ${expected ?? '409'}`, () => {
        if (expected) {
          expect(PAYMENT_MACHINE.target(state, action)).toBe(expected);
          return;
        }
        let error: unknown;
        try {
          PAYMENT_MACHINE.target(state, action);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
      });
    }
  }

  it('plans tranches scheduled; cancels only what is unpaid', () => {
    expect(PAYMENT_MACHINE.initial('plan')).toBe('scheduled');
    expect(PAYMENT_MACHINE.sourcesOf('cancel')).toEqual(['scheduled', 'approved']);
  });
});
