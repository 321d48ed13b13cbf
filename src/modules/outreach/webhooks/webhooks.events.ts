import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Turns the events of API.md "Webhook events" into deliveries, once per event (processed_events). */
@Injectable()
export class WebhookEventsHandler {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  @OnDomainEvent(...WEBHOOK_EVENT_TYPES)
  async fanOut(event: DeliveredEvent, em: EntityManager): Promise<void> {
    await this.deliveries.fanOut(event, em);
  }
}
