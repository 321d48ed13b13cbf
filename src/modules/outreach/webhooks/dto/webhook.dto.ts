import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events';
import type { WebhookEventType } from '../webhook-events';
import { WEBHOOK_ATTEMPT_OUTCOMES } from '../entities/webhook-delivery-attempt.entity';
import type { WebhookAttemptOutcome } from '../entities/webhook-delivery-attempt.entity';
import { WEBHOOK_DELIVERY_STATUSES } from '../entities/webhook-delivery.entity';
import type { WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';
import { WEBHOOK_DISABLED_REASONS, WEBHOOK_STATUSES } from '../entities/webhook-subscription.entity';
import type { WebhookDisabledReason, WebhookStatus } from '../entities/webhook-subscription.entity';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://portal.jxst.gov.cn/hooks/jiebang',
    maxLength: 2048,
    description:
      'Where events are POSTed: https (http only where the deployment allows it); a host that is or ' +
      'resolves to a loopback, private, link-local or otherwise reserved address is refused (422 ' +
      'WEBHOOK_URL_FORBIDDEN) unless the deployment allow-lists it',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    example: ['challenge.published', 'challenge.awarded'],
    description: 'The event types to receive (API.md "Webhook events"); an unknown one is a 400',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, {
    each: true,
    message: `each event type must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  })
  eventTypes: WebhookEventType[];

  @ApiPropertyOptional({ example: '南昌市科技局门户：榜单发布同步', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class WebhookResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.webhook, format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://portal.jxst.gov.cn/hooks/jiebang' }) url: string;
  @ApiProperty({
    example: ['challenge.published', 'challenge.awarded'],
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
  })
  eventTypes: WebhookEventType[];
  @ApiProperty({ example: '南昌市科技局门户：榜单发布同步', nullable: true, type: String }) description:
    string | null;
  @ApiProperty({ enum: WEBHOOK_STATUSES, description: 'disabled: nothing more is delivered' })
  status: WebhookStatus;
  @ApiProperty({ example: '2027-09-04T02:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  disabledAt: string | null;
  @ApiProperty({
    nullable: true,
    enum: WEBHOOK_DISABLED_REASONS,
    description: 'gone: the receiver answered 410; failing: deliveries kept failing for days',
  })
  disabledReason: WebhookDisabledReason | null;
  @ApiProperty({
    example: '2027-09-01T02:00:00.000Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'First failed attempt since the last success; null while deliveries succeed',
  })
  failingSince: string | null;
  @ApiProperty({
    example: EXAMPLE_IDS.apiKey,
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The owning API key',
  })
  ownerApiKeyId: string | null;
  @ApiProperty({
    example: EXAMPLE_IDS.admin,
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The owning person: an admin, or a user manager of `organizationId`',
  })
  ownerUserId: string | null;
  @ApiProperty({
    example: EXAMPLE_IDS.issuerOrganization,
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      "The organization it was made for: it receives the public events and the party events about that organization's own challenges, applications and projects. Null for the platform's (an admin's: every event) or a key acting for no organization (the public events)",
  })
  organizationId: string | null;
  @ApiProperty({ example: '2027-01-10T02:00:00.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2027-01-10T02:00:00.000Z', format: 'date-time' }) updatedAt: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+8Q2mZ1mGqE=',
    description:
      'The signing secret, in this answer only: verify `webhook-signature` with it (Standard Webhooks). Never stored for an Idempotency-Key, so absent from a replayed answer (`Idempotency-Replayed: true`): delete that subscription and create another',
    required: false,
  })
  secret: string;
}

export class WebhookAttemptDto {
  @ApiProperty({ example: 1, description: '1, 2, … over all chains of the delivery' }) attemptNumber: number;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description: '0 for the first chain; each replay starts the next',
  })
  chain: number;
  @ApiProperty({ example: 1, description: '1, 2, … within its chain' }) chainAttempt: number;
  @ApiProperty({ example: '2027-02-28T02:00:01.000Z', format: 'date-time' }) attemptedAt: string;
  @ApiProperty({ enum: WEBHOOK_ATTEMPT_OUTCOMES, description: 'succeeded only for a 2xx answer' })
  outcome: WebhookAttemptOutcome;
  @ApiProperty({ nullable: true, type: Number, example: 200, description: 'Null when no answer came' })
  statusCode: number | null;
  @ApiProperty({ example: 87 }) latencyMs: number;
  @ApiProperty({
    example: '{"received":true}',
    nullable: true,
    type: String,
    description: 'The first 1 KB of the answer',
  })
  responseSnippet: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'timed out after 15000 ms',
    description: 'Refused by the address policy, timeout, connection error, redirect not followed',
  })
  error: string | null;
  @ApiProperty({
    example: '2027-02-28T02:00:31.000Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'The retry it scheduled',
  })
  nextAttemptAt: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({
    example: EXAMPLE_IDS.webhookDelivery,
    format: 'uuid',
    description: 'Also the `webhook-id` header: the same on retries and replays',
  })
  id: string;
  @ApiProperty({ example: EXAMPLE_IDS.webhook, format: 'uuid' }) webhookId: string;
  @ApiProperty({
    example: EXAMPLE_IDS.webhookEvent,
    format: 'uuid',
    description: 'The event: the `id` of the body',
  })
  eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES }) status: WebhookDeliveryStatus;
  @ApiProperty({ example: 0, description: 'The current chain of attempts (replays)' }) chain: number;
  @ApiProperty({ example: '2027-02-28T02:00:31.000Z', nullable: true, type: String, format: 'date-time' })
  nextAttemptAt: string | null;
  @ApiProperty({ example: '2027-02-28T02:00:01.000Z', nullable: true, type: String, format: 'date-time' })
  lastAttemptAt: string | null;
  @ApiProperty({ example: '2027-02-28T02:00:00.000Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [WebhookAttemptDto], description: 'Every attempt, oldest first' })
  attempts: WebhookAttemptDto[];
}
