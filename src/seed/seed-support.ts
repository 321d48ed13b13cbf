import { Type } from '@nestjs/common';
import { UserPrincipal } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { createValidationPipe } from '../common/errors/validation';
import { UserEntity } from '../modules/platform/users/entities/user.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The DTO as the HTTP API would hand it to the service: validated and transformed by the global pipe. */
export async function checked<T extends object>(metatype: Type<T>, body: object): Promise<T> {
  try {
    return (await createValidationPipe().transform(body, { type: 'body', metatype })) as T;
  } catch (error) {
    if (error instanceof DomainError) {
      throw new Error(`Invalid demo data (${metatype.name}): ${JSON.stringify(error.options.errors)}`);
    }
    throw error;
  }
}

export function principalOf(user: UserEntity): UserPrincipal {
  return { kind: 'user', userId: user.id, organizationId: user.organizationId, roles: [...user.roles] };
}

/** YYYY-MM-DD in Asia/Shanghai, `days` after `now`. */
export function shanghaiDate(now: Date, days: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() + days * DAY_MS));
}
