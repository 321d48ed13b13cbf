import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import { WEBHOOK_STATUSES } from './entities/webhook-subscription.entity';
import { WEBHOOK_SUBSCRIPTION_MACHINE } from './webhook-subscription-status';

describe('webhook subscription state machine', () => {
  it("gives the row's target for every state and action, and 409 INVALID_STATE_TRANSITION otherwise", () => {
    for (const state of WEBHOOK_STATUSES) {
      for (const action of WEBHOOK_SUBSCRIPTION_MACHINE.actions) {
        const row = WEBHOOK_SUBSCRIPTION_MACHINE.transitions.find(
          (r) => r.action === action && r.from.includes(state),
        );
        if (row) {
          expect(WEBHOOK_SUBSCRIPTION_MACHINE.target(state, action)).toBe(row.to);
          continue;
        }
        let error: unknown;
        try {
          WEBHOOK_SUBSCRIPTION_MACHINE.target(state, action);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
        expect(ERROR_STATUS[(error as DomainError).code]).toBe(409);
      }
    }
  });
});
