import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { CentreScope } from '../network/centre-scope.service';
import type { ActiveBroker } from '../network/centre-scope.service';
import type { NeedEntity } from './entities/need.entity';
import type { NeedView } from './need.mappers';
import { NEED_MACHINE, NeedAction, PUBLIC_NEED_STATUSES } from './needs-status';

/**
 * Who sees what of a need (ADR 0058), decided per object and answering 404 for what the caller may
 * not see: admins and the enterprise's members see it whole; a broker whose centre covers the
 * routed centre (its own or one below along `parent`), or who claimed it, sees it whole; everyone
 * else sees the public view of a public need, and nothing of another.
 */
@Injectable()
export class NeedAccess {
  constructor(private readonly scope: CentreScope) {}

  async viewOf(em: EntityManager, actor: Principal | undefined, need: NeedEntity): Promise<NeedView | null> {
    if (
      actor &&
      (isAdmin(actor) || (actor.kind === 'user' && actor.organizationId === need.enterpriseOrganizationId))
    )
      return 'full';
    const broker = await this.scope.activeBroker(em, actor);
    if (broker && (await this.brokerCovers(em, broker, need))) return 'full';
    return PUBLIC_NEED_STATUSES.includes(need.status) ? 'public' : null;
  }

  async requireView(
    em: EntityManager,
    actor: Principal | undefined,
    need: NeedEntity | null,
  ): Promise<NeedView> {
    const view = need ? await this.viewOf(em, actor, need) : null;
    if (!need || !view) throw DomainError.notFound('Need');
    return view;
  }

  /** The broker's work on a need: an admin, or an active broker covering it (404 for any other). */
  async requireBrokerWork(
    em: EntityManager,
    actor: Principal,
    need: NeedEntity | null,
    action: NeedAction,
  ): Promise<{ need: NeedEntity; broker: ActiveBroker | null }> {
    if (!need) throw DomainError.notFound('Need');
    if (isAdmin(actor)) {
      NEED_MACHINE.assert(need.status, action);
      return { need, broker: null };
    }
    const broker = await this.scope.activeBroker(em, actor);
    if (!broker || !(await this.brokerCovers(em, broker, need))) throw DomainError.notFound('Need');
    NEED_MACHINE.assert(need.status, action);
    if (action !== 'claim' && action !== 'return' && need.brokerUserId !== broker.userId) {
      throw new DomainError('FORBIDDEN', 'Only the broker who claimed this need works on it');
    }
    return { need, broker };
  }

  /** Whether the caller belongs to the need's enterprise. */
  isEnterprise(actor: Principal, need: NeedEntity): boolean {
    return actor.kind === 'user' && actor.organizationId === need.enterpriseOrganizationId;
  }

  private async brokerCovers(em: EntityManager, broker: ActiveBroker, need: NeedEntity): Promise<boolean> {
    return need.brokerUserId === broker.userId || this.scope.covers(em, broker, need.centreOrganizationId);
  }
}
