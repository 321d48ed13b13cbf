import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { Metrics } from '../metrics/metrics';
import { discoverHandlers } from '../queue/discover-handlers';
import { JobHandler } from '../queue/job-handler';
import { JobName, JobPayloads } from '../queue/queue.constants';
import { DeliveredEvent, DOMAIN_EVENT_HANDLER, DomainEventHandlerFn } from './domain-event-handler';
import { OutboxEventEntity } from './outbox-event.entity';

interface RegisteredHandler {
  name: string;
  run: DomainEventHandlerFn;
}

/**
 * Runs the `@OnDomainEvent` handlers of an event, each in its own transaction guarded by a
 * processed_events row: a handler that already had its effect is skipped, so redelivery is harmless.
 */
@Injectable()
export class EventDispatcher implements OnModuleInit {
  private readonly logger = new Logger(EventDispatcher.name);
  private readonly handlers = new Map<string, RegisteredHandler[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    for (const found of discoverHandlers<string[]>(this.discovery, this.scanner, DOMAIN_EVENT_HANDLER)) {
      for (const type of found.metadata) {
        const list = this.handlers.get(type) ?? [];
        list.push({ name: found.name, run: found.invoke });
        this.handlers.set(type, list);
      }
    }
  }

  /** The handler names subscribed to a type (for tests and diagnostics). */
  handlersOf(type: string): string[] {
    return (this.handlers.get(type) ?? []).map((h) => h.name);
  }

  @JobHandler(JobName.DeliverDomainEvent)
  async handle(job: Job<JobPayloads[JobName.DeliverDomainEvent]>): Promise<void> {
    await this.dispatch(job.data.eventId);
  }

  /**
   * Every handler is tried even when one fails; then the failure is rethrown so BullMQ retries the
   * job, and the handlers that succeeded are skipped next time.
   */
  async dispatch(eventId: string): Promise<void> {
    const row = await this.dataSource.getRepository(OutboxEventEntity).findOneBy({ id: eventId });
    if (!row) throw new UnrecoverableError(`Outbox event ${eventId} does not exist`);
    const event: DeliveredEvent = {
      id: row.id,
      type: row.type,
      aggregateType: row.aggregateType,
      aggregateId: row.aggregateId,
      data: row.data,
      occurredAt: row.occurredAt,
    };
    const errors: unknown[] = [];
    for (const handler of this.handlers.get(event.type) ?? []) {
      const outcome = (value: 'handled' | 'already' | 'failed') =>
        this.metrics.eventHandlings.inc({ type: event.type, handler: handler.name, outcome: value });
      try {
        const ran = await this.dataSource.transaction(async (em) => {
          const claimed: unknown[] = await em.query(
            `INSERT INTO processed_events (event_id, handler, processed_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [event.id, handler.name, this.clock.now()],
          );
          if (!claimed.length) return false;
          await handler.run(event, em);
          return true;
        });
        outcome(ran ? 'handled' : 'already');
      } catch (error) {
        outcome('failed');
        this.logger.warn(
          { err: error, eventId, handler: handler.name },
          `Handler ${handler.name} failed for ${event.type} ${event.id}`,
        );
        errors.push(error);
      }
    }
    if (!errors.length) {
      await this.dataSource.query(
        `UPDATE outbox_events SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL`,
        [event.id, this.clock.now()],
      );
      return;
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      if (errors.every((e) => e instanceof UnrecoverableError))
        throw new UnrecoverableError(`${errors.length} handlers failed for ${event.type} ${event.id}`);
      throw new AggregateError(errors, `${errors.length} handlers failed for ${event.type} ${event.id}`);
    }
  }
}
