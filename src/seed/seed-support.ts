/** What the parts of the demo seed (seed-demo, seed-transfer, seed-past-project) share. */
import { Type } from '@nestjs/common';
import { UserPrincipal } from '../common/auth/principal';
import { Clock } from '../infra/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { createValidationPipe } from '../common/errors/validation';
import { UserEntity } from '../modules/platform/users/entities/user.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A demo account, as the seed's summary and the accounts file show it. */
export interface DemoAccount {
  email: string;
  role: 'admin' | 'issuer' | 'applicant' | 'broker' | 'registrar';
  organization: string;
  /** Whether this run created it (and so set its password). */
  created: boolean;
  /** Shown after the organization in the summary, e.g. that the account leads teams. */
  note?: string;
  /**
   * The demo admin, when this run enrolled it in TOTP: the secret (base32) and its otpauth:// URI
   * for an authenticator app. Sign-in asks for its code (POST /auth/login, then /auth/login/mfa).
   */
  totp?: { secret: string; otpauthUri: string };
}

/** What the transfer part needs of the rest of the demo: the admin, the organizations' contact accounts. */
export interface TransferInput {
  admin: UserPrincipal;
  /** The demo organizations' contact principals, by DemoOrganization.key. */
  members: ReadonlyMap<string, { organizationId: string; principal: UserPrincipal }>;
  /** The team leaders' principals, by DemoLeader.key. */
  leaders: ReadonlyMap<string, UserPrincipal>;
  password: string;
  clock: Clock;
  /** The demo program: a need promoted to a list becomes a draft challenge of it. */
  programId: string;
}

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
