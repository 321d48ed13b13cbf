import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { withTimeout } from '../../../common/timeout';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { OutboxService } from '../../../infra/events/outbox.service';
import { Metrics } from '../../../infra/metrics/metrics';
import { JobHandler } from '../../../infra/queue/job-handler';
import { JobName } from '../../../infra/queue/queue.constants';
import { afterCommit, installAfterCommitHooks } from '../../../infra/scheduler/transaction-hooks';
import { WebhookDisabledReason } from './entities/webhook-subscription.entity';
import { backoffDelay, parseRetryAfter } from './retry-schedule';
import { audienceOf, receives, subscriptionScope } from './webhook-audience';
import { isWebhookEventType, webhookBody } from './webhook-events';
import { DeliverWebhookPayload, WebhookJobs } from './webhook-jobs';
import { isSuccess, SendResult, WebhookSender } from './webhook-sender';
import { WEBHOOK_DELIVERY_MACHINE } from './webhook-delivery-status';
import { WEBHOOK_AUDIT } from './webhook-audit';
import { DeliverableSubscription, WebhooksRepository } from './webhooks.repository';

export const WEBHOOK_DISABLED_EVENT = 'webhook.disabled';
const DAY_MS = 24 * 3600_000;
/** An enqueue after commit gives up after this long (Redis down); the reconciler catches up. */
const ENQUEUE_TIMEOUT_MS = 3_000;
export const WEBHOOK_USER_AGENT = 'jiebang-webhooks/1.0';

export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'stale' | 'duplicate' | 'not-due';

/** The Standard Webhooks headers of one attempt: the same id every time, a fresh timestamp and signature. */
export function signedHeaders(
  messageId: string,
  secret: string,
  body: string,
  now: Date,
): Record<string, string> {
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
    'webhook-id': messageId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': new Webhook(secret).sign(messageId, new Date(seconds * 1000), body),
  };
}

/**
 * The delivery engine (worker; docs/adr/0030). The `webhook_deliveries` row is the truth: a BullMQ
 * job only wakes it when an attempt is due. Each attempt sends without holding a transaction, then
 * records its result under row locks (subscription, then delivery) with the check that the row still
 * waits for exactly that attempt: a job that runs twice records one attempt.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly jobs: WebhookJobs,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    installAfterCommitHooks(this.dataSource);
  }

  /**
   * In the event handler's transaction: one pending delivery per enabled subscription that asked for
   * the type and may see the event (webhook-audience.ts decides, per subscription scope: two queries
   * per event, whatever the number of subscriptions); their first attempts are enqueued after commit.
   */
  async fanOut(event: DeliveredEvent, em: EntityManager): Promise<number> {
    if (!isWebhookEventType(event.type)) return 0;
    const audience = audienceOf(event.type, event.data);
    const now = this.clock.now();
    const candidates = await this.repository.candidatesFor(em, event.type);
    const receiving = candidates.filter((c) => receives(subscriptionScope(c), audience)).map((c) => c.id);
    const message = {
      eventId: event.id,
      eventType: event.type,
      body: webhookBody({ ...event, type: event.type }),
      now,
    };
    const ids = await this.repository.insertPendingDeliveries(em, message, receiving);
    if (ids.length) {
      afterCommit(em, async () => {
        for (const id of ids) {
          await withTimeout(
            this.jobs.enqueue({ deliveryId: id, chain: 0, attempt: 1 }, now),
            ENQUEUE_TIMEOUT_MS,
            'Enqueueing a webhook attempt',
          );
        }
      });
    }
    return ids.length;
  }

  @JobHandler(JobName.DeliverWebhook)
  async handle(job: Job<DeliverWebhookPayload>, token?: string): Promise<AttemptOutcome> {
    return this.attempt(job.data, job, token);
  }

  /** Makes the attempt the payload names, if the delivery still waits for it and it is due. */
  async attempt(payload: DeliverWebhookPayload, job?: Job, token?: string): Promise<AttemptOutcome> {
    const outcome = await this.attemptOnce(payload, job, token);
    this.metrics.webhookAttempts.inc({ outcome });
    return outcome;
  }

  private async attemptOnce(
    payload: DeliverWebhookPayload,
    job?: Job,
    token?: string,
  ): Promise<AttemptOutcome> {
    const delivery = await this.repository.findDelivery(payload.deliveryId);
    if (!delivery || !waitsFor(delivery, payload)) return 'stale';
    const early = (delivery.nextAttemptAt as Date).getTime() - this.clock.now().getTime();
    if (early > 0) {
      if (!job || !token) return 'not-due';
      // Woken before its time by this process's clock: sleep again instead of attempting early.
      await job.moveToDelayed(Date.now() + early, token);
      throw new DelayedError();
    }
    const subscription = await this.repository.readSubscription(delivery.subscriptionId);
    if (!subscription) return 'stale';
    const attemptedAt = this.clock.now();
    let result: SendResult;
    let sent = true;
    if (subscription.status !== 'enabled' || !subscription.ownerActive) {
      sent = false;
      result = {
        statusCode: null,
        latencyMs: 0,
        responseSnippet: null,
        error:
          subscription.status !== 'enabled'
            ? 'not sent: the subscription is disabled'
            : 'not sent: the owner of the subscription (API key, admin or user manager) is no longer active',
        retryAfter: undefined,
      };
    } else {
      const headers = signedHeaders(delivery.id, subscription.secret, delivery.body, attemptedAt);
      result = await this.sender.send(subscription.url, headers, delivery.body);
      this.metrics.webhookLatency.observe(
        { result: isSuccess(result) ? 'success' : 'failure' },
        result.latencyMs / 1000,
      );
    }
    return this.record(payload, delivery.subscriptionId, attemptedAt, result, sent);
  }

  /**
   * Records the attempt's result under row locks (subscription, then delivery), if the delivery still
   * waits for exactly this attempt: the attempt row, the delivery's new status and, when attempts
   * remain, the next one enqueued after commit.
   */
  private record(
    payload: DeliverWebhookPayload,
    subscriptionId: string,
    attemptedAt: Date,
    result: SendResult,
    sent: boolean,
  ): Promise<AttemptOutcome> {
    return this.dataSource.transaction(async (em) => {
      const subscription = await this.repository.lockSubscription(em, subscriptionId);
      const delivery = await this.repository.lockDelivery(em, payload.deliveryId);
      if (!subscription || !delivery || !waitsFor(delivery, payload)) return 'duplicate';
      const now = this.clock.now();
      const success = isSuccess(result);
      const verdict = await this.judge(em, subscription, { payload, attemptedAt, result, sent, now });
      await this.repository.insertAttempt(em, {
        deliveryId: delivery.id,
        chain: payload.chain,
        chainAttempt: payload.attempt,
        attemptedAt,
        outcome: success ? 'succeeded' : 'failed',
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        responseSnippet: result.responseSnippet,
        error: result.error ?? (success ? null : `HTTP ${result.statusCode}`),
        nextAttemptAt: verdict.next,
      });
      await this.repository.saveAttemptOutcome(em, delivery.id, {
        status: WEBHOOK_DELIVERY_MACHINE.target(delivery.status, verdict.action),
        chainAttempts: payload.attempt,
        nextAttemptAt: verdict.next,
        lastAttemptAt: attemptedAt,
        now,
      });
      if (verdict.next) this.enqueueRetry(em, payload, verdict.next);
      if (!success && result.statusCode !== 410) this.logFailure(delivery.id, payload, result);
      return success ? 'succeeded' : verdict.next ? 'retrying' : 'failed';
    });
  }

  /**
   * What an attempt's result does to the delivery, with its effects on the subscription: a success
   * clears its failing streak; a failure starts one, and a 410 or a streak past
   * WEBHOOK_DISABLE_AFTER_DAYS disables it; a failure with attempts left is retried.
   */
  private async judge(
    em: EntityManager,
    subscription: DeliverableSubscription,
    attempt: {
      payload: DeliverWebhookPayload;
      attemptedAt: Date;
      result: SendResult;
      sent: boolean;
      now: Date;
    },
  ): Promise<{ action: 'succeed' | 'retry' | 'fail'; next: Date | null }> {
    const { payload, attemptedAt, result, sent, now } = attempt;
    const fail = { action: 'fail', next: null } as const;
    if (isSuccess(result)) {
      await this.repository.clearFailingSince(em, subscription.id);
      return { action: 'succeed', next: null };
    }
    if (!sent) return fail;
    if (result.statusCode === 410) {
      await this.disable(em, subscription, 'gone', now);
      return fail;
    }
    const failingSince = subscription.failingSince ?? attemptedAt;
    if (!subscription.failingSince) await this.repository.markFailingSince(em, subscription.id, failingSince);
    if (now.getTime() - failingSince.getTime() >= this.config.WEBHOOK_DISABLE_AFTER_DAYS * DAY_MS) {
      await this.disable(em, subscription, 'failing', now);
      return fail;
    }
    if (payload.attempt >= this.config.WEBHOOK_MAX_ATTEMPTS) return fail;
    return { action: 'retry', next: new Date(now.getTime() + this.retryDelay(payload.attempt, result, now)) };
  }

  private enqueueRetry(em: EntityManager, payload: DeliverWebhookPayload, due: Date): void {
    afterCommit(em, () =>
      withTimeout(
        this.jobs.enqueue({ ...payload, attempt: payload.attempt + 1 }, due),
        ENQUEUE_TIMEOUT_MS,
        'Enqueueing a webhook retry',
      ),
    );
  }

  private logFailure(deliveryId: string, payload: DeliverWebhookPayload, result: SendResult): void {
    this.logger.warn(
      { deliveryId, attempt: payload.attempt, statusCode: result.statusCode },
      `Webhook attempt failed: ${result.error ?? `HTTP ${result.statusCode}`}`,
    );
  }

  /** 429 and 503 say when to come back (Retry-After, clamped); anything else backs off. */
  private retryDelay(attempt: number, result: SendResult, now: Date): number {
    if (result.statusCode === 429 || result.statusCode === 503) {
      const asked = parseRetryAfter(result.retryAfter, now);
      if (asked !== null) return asked;
    }
    return backoffDelay(attempt, this.config.WEBHOOK_BACKOFF_BASE_MS);
  }

  /**
   * Disables the subscription (once), fails its pending deliveries and tells its owner: an audit
   * event and a `webhook.disabled` outbox event, which the notification rules turn into a notice.
   */
  async disable(
    em: EntityManager,
    subscription: DeliverableSubscription,
    reason: WebhookDisabledReason,
    now: Date,
  ): Promise<void> {
    const disabled = await this.repository.disableSubscription(em, subscription.id, reason, now);
    if (!disabled) return;
    await this.repository.failPendingDeliveries(em, subscription.id, now);
    const failingSince = disabled.failingSince?.toISOString() ?? null;
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: WEBHOOK_AUDIT.disabled,
      objectType: 'webhook_subscription',
      objectId: subscription.id,
      before: { status: 'enabled' },
      after: { status: 'disabled', reason, failingSince },
    });
    await this.outbox.publish(em, {
      type: WEBHOOK_DISABLED_EVENT,
      aggregateType: 'webhook_subscription',
      aggregateId: subscription.id,
      data: {
        webhookId: subscription.id,
        urlHost: new URL(subscription.url).host,
        reason,
        failingSince,
        disabledAt: now.toISOString(),
        ownerApiKeyId: subscription.ownerApiKeyId,
        ownerUserId: subscription.ownerUserId,
      },
    });
  }
}

function waitsFor(
  delivery: { status: string; chain: number; chainAttempts: number },
  payload: DeliverWebhookPayload,
): boolean {
  return (
    delivery.status === 'pending' &&
    delivery.chain === payload.chain &&
    delivery.chainAttempts === payload.attempt - 1
  );
}
