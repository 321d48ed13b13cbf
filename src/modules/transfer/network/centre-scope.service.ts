import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hasRole, Principal } from '../../../common/auth/principal';
import { BrokersRepository } from './brokers.repository';
import { NeedRoutesRepository } from './need-routes.repository';

/** A signed-in broker with an active profile: its user and its centre. */
export interface ActiveBroker {
  userId: string;
  centreId: string;
}

/**
 * What other transfer modules ask of the service network: which centre a need goes to, which
 * broker the caller is, and whether a centre lies within a broker's centre (ADR 0058).
 */
@Injectable()
export class CentreScope {
  constructor(
    private readonly brokers: BrokersRepository,
    private readonly routes: NeedRoutesRepository,
  ) {}

  /** The most specific route for the region and chain, else the provincial root centre, else null. */
  async route(em: EntityManager, regionCode: string, chain: string): Promise<string | null> {
    return (await this.routes.mostSpecific(em, regionCode, chain)) ?? this.routes.rootCentre(em, regionCode);
  }

  /** The caller as a broker with an active profile, or null. */
  async activeBroker(em: EntityManager, actor: Principal | undefined): Promise<ActiveBroker | null> {
    if (!actor || actor.kind !== 'user' || !hasRole(actor, 'broker')) return null;
    const profile = await this.brokers.findByUser(actor.userId, em);
    if (!profile || !profile.active) return null;
    return { userId: actor.userId, centreId: profile.organizationId };
  }

  /** The centres a broker's centre covers: itself and every sub-centre and station below it. */
  covered(em: EntityManager, broker: ActiveBroker): Promise<string[]> {
    return this.brokers.subtreeOf(em, broker.centreId);
  }

  /** Whether `centreId` is the broker's centre or below it. */
  covers(em: EntityManager, broker: ActiveBroker, centreId: string | null): Promise<boolean> {
    if (!centreId) return Promise.resolve(false);
    return this.brokers.isWithin(em, broker.centreId, centreId);
  }
}
