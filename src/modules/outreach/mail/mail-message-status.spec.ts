import { DomainError } from '../../../common/errors/domain-error';
import { ERROR_STATUS } from '../../../common/errors/error-codes';
import { MAIL_STATUSES } from './entities/mail-message.entity';
import { MAIL_MESSAGE_MACHINE } from './mail-message-status';

describe('mail message state machine', () => {
  it("gives the row's target for every state and action, and 409 INVALID_STATE_TRANSITION otherwise", () => {
    for (const state of MAIL_STATUSES) {
      for (const action of MAIL_MESSAGE_MACHINE.actions) {
        const row = MAIL_MESSAGE_MACHINE.transitions.find(
          (r) => r.action === action && r.from.includes(state),
        );
        if (row) {
          expect(MAIL_MESSAGE_MACHINE.target(state, action)).toBe(row.to);
          continue;
        }
        let error: unknown;
        try {
          MAIL_MESSAGE_MACHINE.target(state, action);
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
