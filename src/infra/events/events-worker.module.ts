import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventDispatcher } from './event-dispatcher';
import { OutboxRelay } from './outbox.relay';

/** Worker process only: relays the outbox to the events queue and dispatches events to handlers. */
@Module({
  imports: [DiscoveryModule],
  providers: [OutboxRelay, EventDispatcher],
  exports: [EventDispatcher, OutboxRelay],
})
export class EventsWorkerModule {}
