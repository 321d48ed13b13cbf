import { Module } from '@nestjs/common';
import { systemResolver, WEBHOOK_RESOLVER } from './url-policy';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookJobs } from './webhook-jobs';
import { WebhookReconciler } from './webhook.reconciler';
import { WebhookSender } from './webhook-sender';
import { WebhookDeliveriesController, WebhooksController } from './webhooks.controller';
import { WebhookEventsHandler } from './webhooks.events';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Signed webhooks (docs/adr/0030). The API manages subscriptions and replays; the worker (which also
 * imports WebhooksWorkerModule) fans events out to deliveries and makes the attempts.
 */
@Module({
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [
    { provide: WEBHOOK_RESOLVER, useValue: systemResolver },
    WebhooksRepository,
    WebhooksService,
    WebhookJobs,
    WebhookSender,
    WebhookDeliveryService,
    WebhookEventsHandler,
  ],
  exports: [WebhooksService, WebhookDeliveryService, WebhookJobs, WEBHOOK_RESOLVER],
})
export class WebhooksModule {}

/** Worker process only: re-enqueues pending deliveries at start and sweeps for lost jobs. */
@Module({
  imports: [WebhooksModule],
  providers: [WebhookReconciler],
  exports: [WebhookReconciler],
})
export class WebhooksWorkerModule {}
