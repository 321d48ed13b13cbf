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
import { JobHandler } from '../../../infra/queue/job-handler';
import { JobName } from '../../../infra/queue/queue.constants';
import { afterCommit, installAfterCommitHooks } from '../../../infra/scheduler/transaction-hooks';
import { WebhookDeliveryStatus } from './entities/webhook-delivery.entity';
import { WebhookDisabledReason } from './entities/webhook-subscription.entity';
import { backoffDelay, parseRetryAfter } from './retry-schedule';
import { isWebhookEventType, webhookBody, webhookEvent } from './webhook-events';
import { DeliverWebhookPayload, WebhookJobs } from './webhook-jobs';
import { isSuccess, SendResult, WebhookSender } from './webhook-sender';
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
  ) {}

  onModuleInit(): void {
    installAfterCommitHooks(this.dataSource);
  }

  /**
   * In the event handler's transaction: one pending delivery per enabled subscription that asked for
   * the type and may see the event; their first attempts are enqueued after commit.
   */
  async fanOut(event: DeliveredEvent, em: EntityManager): Promise<number> {
    if (!isWebhookEventType(event.type)) return 0;
    const definition = webhookEvent(event.type);
    const now = this.clock.now();
    const rows = await em.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries
         (subscription_id, event_id, event_type, body, status, chain, chain_attempts, next_attempt_at,
          created_at, updated_at)
       SELECT s.id, $1, $2, $3, 'pending', 0, 0, $4, $4, $4
       FROM webhook_subscriptions s
       LEFT JOIN api_keys k ON k.id = s.owner_api_key_id
       LEFT JOIN users u ON u.id = s.owner_user_id
       WHERE s.status = 'enabled' AND $2 = ANY(s.event_types)
         AND ((u.id IS NOT NULL AND u.enabled AND 'admin' = ANY(u.roles))
           OR (k.id IS NOT NULL AND k.revoked_at IS NULL
               AND ($5::boolean OR k.organization_id = ANY($6::uuid[]))))
       ORDER BY s.id
       ON CONFLICT (subscription_id, event_id) DO NOTHING
       RETURNING id`,
      [
        event.id,
        event.type,
        webhookBody({ ...event, type: event.type }),
        now,
        definition.audience === 'public',
        definition.parties(event.data),
      ],
    );
    if (rows.length) {
      afterCommit(em, async () => {
        for (const { id } of rows) {
          await withTimeout(
            this.jobs.enqueue({ deliveryId: id, chain: 0, attempt: 1 }, now),
            ENQUEUE_TIMEOUT_MS,
            'Enqueueing a webhook attempt',
          );
        }
      });
    }
    return rows.length;
  }

  @JobHandler(JobName.DeliverWebhook)
  async handle(job: Job<DeliverWebhookPayload>, token?: string): Promise<AttemptOutcome> {
    return this.attempt(job.data, job, token);
  }

  /** Makes the attempt the payload names, if the delivery still waits for it and it is due. */
  async attempt(payload: DeliverWebhookPayload, job?: Job, token?: string): Promise<AttemptOutcome> {
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
            : 'not sent: the owner of the subscription (API key or admin) is no longer active',
        retryAfter: undefined,
      };
    } else {
      const headers = signedHeaders(delivery.id, subscription.secret, delivery.body, attemptedAt);
      result = await this.sender.send(subscription.url, headers, delivery.body);
    }
    return this.record(payload, delivery.subscriptionId, attemptedAt, result, sent);
  }

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
      let status: WebhookDeliveryStatus = 'failed';
      let next: Date | null = null;
      if (success) {
        status = 'succeeded';
        await em.query(
          `UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
          [subscription.id],
        );
      } else if (sent && result.statusCode === 410) {
        await this.disable(em, subscription, 'gone', now);
      } else if (sent) {
        const failingSince = subscription.failingSince ?? attemptedAt;
        if (!subscription.failingSince) {
          await em.query(`UPDATE webhook_subscriptions SET failing_since = $2 WHERE id = $1`, [
            subscription.id,
            failingSince,
          ]);
        }
        if (now.getTime() - failingSince.getTime() >= this.config.WEBHOOK_DISABLE_AFTER_DAYS * DAY_MS) {
          await this.disable(em, subscription, 'failing', now);
        } else if (payload.attempt < this.config.WEBHOOK_MAX_ATTEMPTS) {
          status = 'pending';
          next = new Date(now.getTime() + this.retryDelay(payload.attempt, result, now));
        }
      }
      const [{ n }] = await em.query<Array<{ n: number }>>(
        `SELECT COALESCE(MAX(attempt_number), 0)::int + 1 AS n FROM webhook_delivery_attempts WHERE delivery_id = $1`,
        [delivery.id],
      );
      await em.query(
        `INSERT INTO webhook_delivery_attempts
           (delivery_id, attempt_number, chain, chain_attempt, attempted_at, outcome, status_code,
            latency_ms, response_snippet, error, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          delivery.id,
          n,
          payload.chain,
          payload.attempt,
          attemptedAt,
          success ? 'succeeded' : 'failed',
          result.statusCode,
          result.latencyMs,
          result.responseSnippet,
          result.error ?? (success ? null : `HTTP ${result.statusCode}`),
          next,
        ],
      );
      await em.query(
        `UPDATE webhook_deliveries
         SET status = $2, chain_attempts = $3, next_attempt_at = $4, last_attempt_at = $5, updated_at = $6
         WHERE id = $1`,
        [delivery.id, status, payload.attempt, next, attemptedAt, now],
      );
      if (next) {
        const due = next;
        afterCommit(em, () =>
          withTimeout(
            this.jobs.enqueue({ ...payload, attempt: payload.attempt + 1 }, due),
            ENQUEUE_TIMEOUT_MS,
            'Enqueueing a webhook retry',
          ),
        );
      }
      if (!success && result.statusCode !== 410) {
        this.logger.warn(
          { deliveryId: delivery.id, attempt: payload.attempt, statusCode: result.statusCode },
          `Webhook attempt failed: ${result.error ?? `HTTP ${result.statusCode}`}`,
        );
      }
      return success ? 'succeeded' : next ? 'retrying' : 'failed';
    });
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
    const [rows] = await em.query<[Array<{ failing_since: Date | null }>, number]>(
      `UPDATE webhook_subscriptions
       SET status = 'disabled', disabled_at = $2, disabled_reason = $3, updated_at = $2, version = version + 1
       WHERE id = $1 AND status = 'enabled'
       RETURNING failing_since`,
      [subscription.id, now, reason],
    );
    if (!rows.length) return;
    await em.query(
      `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = $2
       WHERE subscription_id = $1 AND status = 'pending'`,
      [subscription.id, now],
    );
    const failingSince = rows[0].failing_since?.toISOString() ?? null;
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: 'webhook.disabled',
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
