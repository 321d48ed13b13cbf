import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import type { TechnologyContractEntity } from './entities/technology-contract.entity';

/** How a caller stands to a contract: a registrar (or admin), one of its parties, or nobody (404). */
export type ContractStanding = 'registrar' | 'party' | 'none';

/** Registrars and system administrators: they register, return, and read every filed contract. */
export function isRegistrar(actor: Principal): boolean {
  return isAdmin(actor) || hasRole(actor, 'registrar');
}

/**
 * A user of the seller or buyer organization is a party; a registrar sees every contract once filed
 * (never a draft of others); anyone else sees nothing, answered as 404.
 */
export function standingOf(actor: Principal, contract: TechnologyContractEntity): ContractStanding {
  if (
    actor.kind === 'user' &&
    (actor.organizationId === contract.sellerOrganizationId ||
      actor.organizationId === contract.buyerOrganizationId)
  ) {
    return 'party';
  }
  if (isRegistrar(actor) && contract.status !== 'draft') return 'registrar';
  return 'none';
}
