import { EntityManager } from 'typeorm';
import { JsonObject } from '../../common/json';
import { handlerDecorator } from '../queue/discover-handlers';

export const DOMAIN_EVENT_HANDLER = Symbol('domain-event-handler');

/** A committed outbox event, as its handlers receive it. */
export interface DeliveredEvent<D extends JsonObject = JsonObject> {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  data: D;
  occurredAt: Date;
}

/**
 * Subscribes a provider method to event types:
 * `@OnDomainEvent('organization.verified') async onVerified(event: DeliveredEvent, em: EntityManager)`.
 * The method runs in a transaction (write through `em`) that also records it in processed_events,
 * so it has its effect at most once per event; throwing rolls both back and the event is retried.
 * The provider must belong to a module the worker imports.
 */
export const OnDomainEvent = (...types: string[]): MethodDecorator =>
  handlerDecorator(DOMAIN_EVENT_HANDLER, types);

export type DomainEventHandlerFn = (event: DeliveredEvent, em: EntityManager) => Promise<unknown>;
