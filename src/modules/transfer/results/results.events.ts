import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { ResultDraftingService } from './result-drafting.service';

/** The acceptance's event, heard by the results library: a passed acceptance drafts its result. */
@Injectable()
export class ResultsEventsHandler {
  constructor(private readonly drafting: ResultDraftingService) {}

  @OnDomainEvent('acceptance.decided')
  async onAcceptanceDecided(event: DeliveredEvent, em: EntityManager): Promise<void> {
    await this.drafting.draftFromAcceptance(em, event.data);
  }
}
