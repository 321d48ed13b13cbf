import { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * What services throw. It carries a stable code; the global filter turns it into problem+json
 * with the status the code maps to. Services never throw HttpException.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} not found`);
  }

  static validation(errors: FieldError[], message = 'One or more fields are not valid'): DomainError {
    return new DomainError('VALIDATION_FAILED', message, { errors });
  }

  static invalidTransition(state: string, action: string): DomainError {
    return new DomainError('INVALID_STATE_TRANSITION', `Cannot ${action} when the state is ${state}`, {
      extra: { state, action },
    });
  }
}
