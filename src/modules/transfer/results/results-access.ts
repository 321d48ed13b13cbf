import { hasRole, Principal } from '../../../common/auth/principal';
import type { ResultEntity } from './entities/result.entity';

/** The holder organization's people: they edit, submit, withdraw and report on the result. */
export function isHolder(actor: Principal | undefined, result: ResultEntity): boolean {
  return actor?.kind === 'user' && actor.organizationId === result.organizationId;
}

/** Admins and brokers vet results and see every one. */
export function isVetter(actor: Principal | undefined): boolean {
  return actor !== undefined && hasRole(actor, 'admin', 'broker');
}

/** Published results are everyone's; the rest only the holder's, brokers' and admins'. */
export function canSee(actor: Principal | undefined, result: ResultEntity): boolean {
  return result.status === 'published' || isHolder(actor, result) || isVetter(actor);
}
