import { WebhookEventType } from './webhook-events';
import { WebhookAttemptDto, WebhookDeliveryDto, WebhookResponseDto } from './dto/webhook.dto';
import { WebhookDeliveryAttemptEntity } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** A subscription as its owner reads it: never the secret. */
export function toWebhookResponse(s: WebhookSubscriptionEntity): WebhookResponseDto {
  return {
    id: s.id,
    url: s.url,
    eventTypes: s.eventTypes as WebhookEventType[],
    description: s.description,
    status: s.status,
    disabledAt: iso(s.disabledAt),
    disabledReason: s.disabledReason,
    failingSince: iso(s.failingSince),
    ownerApiKeyId: s.ownerApiKeyId,
    ownerUserId: s.ownerUserId,
    organizationId: s.organizationId,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toAttemptResponse(a: WebhookDeliveryAttemptEntity): WebhookAttemptDto {
  return {
    attemptNumber: a.attemptNumber,
    chain: a.chain,
    chainAttempt: a.chainAttempt,
    attemptedAt: a.attemptedAt.toISOString(),
    outcome: a.outcome,
    statusCode: a.statusCode,
    latencyMs: a.latencyMs,
    responseSnippet: a.responseSnippet,
    error: a.error,
    nextAttemptAt: iso(a.nextAttemptAt),
  };
}

export function toDeliveryResponse(
  d: WebhookDeliveryEntity,
  attempts: WebhookDeliveryAttemptEntity[],
): WebhookDeliveryDto {
  return {
    id: d.id,
    webhookId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    chain: d.chain,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    createdAt: d.createdAt.toISOString(),
    attempts: attempts.map(toAttemptResponse),
  };
}
