import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import {
  CreatedWebhookResponseDto,
  CreateWebhookDto,
  WebhookDeliveryDto,
  WebhookResponseDto,
} from './dto/webhook.dto';
import { receivableEventTypes, WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from './webhook-events';
import type { WebhookPartyRole } from './webhook-events';
import { WebhooksService } from './webhooks.service';
import { IdempotencyWithholds } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import { WEBHOOK_DELIVERY_MACHINE } from './webhook-delivery-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

const PARTY_NAMES: Record<WebhookPartyRole, string> = {
  issuer: 'issuer',
  lead: 'lead organization',
  holder: 'result holder organization',
};

const EVENT_CATALOGUE = WEBHOOK_EVENT_TYPES.map((type) => {
  const event = WEBHOOK_EVENTS[type];
  const who =
    event.audience === 'public'
      ? 'every subscriber'
      : `the platform, and the subscriptions of its ${event.partyRoles.map((r) => PARTY_NAMES[r]).join(' and ')}`;
  return `- \`${type}\` (${who}): ${event.description}; data: ${event.fields.join(', ')}`;
}).join('\n');

const PUBLIC_TYPES: readonly string[] = receivableEventTypes({ kind: 'organization', roles: new Set() });

/** The party types an organization receives (about its own challenges or projects) in that party role. */
function partyTypesOf(role: WebhookPartyRole): string {
  return receivableEventTypes({ kind: 'organization', roles: new Set([role]) })
    .filter((type) => !PUBLIC_TYPES.includes(type))
    .join(', ');
}

const DELIVERY_DESCRIPTION =
  'Each event is POSTed as `{ "id", "type", "createdAt", "data" }` with the Standard Webhooks headers ' +
  '`webhook-id` (the delivery id: the same on every retry and replay), `webhook-timestamp` (Unix ' +
  'seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the ' +
  'secret (base64 after `whsec_`). Only a 2xx answer within 15 s is a delivery; redirects are not ' +
  'followed; 410 disables the subscription; 429/503 honour Retry-After; anything else is retried with ' +
  'growing, jittered waits for about three days, and a subscription that keeps failing for days is ' +
  "disabled and its owner notified.\n\nWho subscribes, for whom (ADR 0047): the platform's administrators " +
  "(admin, security_admin) for the platform; an organization's user manager (bearer token) or one of its " +
  'API keys for that organization; a key acting for no organization for the public events only.\n\n' +
  'Who receives what: a platform subscription every event type; any other the public types, and a ' +
  'party type only for events about its own organization (the issuer of the challenge or project, the ' +
  "lead organization of the application or project) — never about another organization's. An " +
  'organization that neither issues challenges nor applies (no user with that role, no challenge or ' +
  'application of its own), or a key without one, would never receive a party type: subscribing to one ' +
  'is refused with 422 WEBHOOK_EVENT_NOT_AVAILABLE, whose `unavailableEventTypes` name the types and ' +
  '`availableEventTypes` the types it can have. Per role:\n' +
  '- platform (admin, security_admin): every type;\n' +
  `- an issuing organization: the public types and ${partyTypesOf('issuer')};\n` +
  `- an applying organization: the public types and ${partyTypesOf('lead')};\n` +
  `- every organization, about the results it holds (docs/adr/0059): ${partyTypesOf('holder')};\n` +
  '- a key without an organization: the public types only.\n\nThe types:\n' +
  EVENT_CATALOGUE;

@ApiTags('webhooks')
@Controller('webhooks')
@Authenticated({ roles: ['admin', 'security_admin', 'user_manager', 'integration'], apiKey: true })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @IdempotencyWithholds('secret')
  @Endpoint({
    summary: 'Subscribe a URL to event types; the signing secret is in this answer only',
    description: DELIVERY_DESCRIPTION,
    errors: ['FORBIDDEN', 'BUSINESS_RULE_VIOLATION', 'WEBHOOK_URL_FORBIDDEN', 'WEBHOOK_EVENT_NOT_AVAILABLE'],
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  createWebhook(@Auth() auth: Principal, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookResponseDto> {
    return this.webhooks.create(auth, dto);
  }

  @Get()
  @Endpoint({
    summary:
      "Webhook subscriptions: an integration key's own, its organization's for a user manager, every one for the platform's administrators",
    errors: ['FORBIDDEN'],
  })
  @ApiPageResponse(WebhookResponseDto)
  listWebhooks(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<WebhookResponseDto>> {
    return this.webhooks.list(auth, query);
  }

  @Get(':id')
  @Endpoint({ summary: 'A webhook subscription (never its secret)', errors: ['FORBIDDEN', 'NOT_FOUND'] })
  @ApiOkResponse({ type: WebhookResponseDto })
  getWebhook(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<WebhookResponseDto> {
    return this.webhooks.get(auth, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Endpoint({
    summary: 'Delete a webhook subscription and its delivery log; nothing more is sent',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async deleteWebhook(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.webhooks.remove(auth, id);
  }

  @Get(':id/deliveries')
  @Endpoint({
    summary: 'Deliveries of a subscription, newest first, each with its attempts',
    description:
      'Each attempt has its status code, latency, the first 1 KB of the answer, the error (refused by the ' +
      'address policy, timeout, connection error, redirect not followed) and the retry it scheduled.',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiPageResponse(WebhookDeliveryDto)
  listWebhookDeliveries(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    return this.webhooks.listDeliveries(auth, id, query);
  }
}

@ApiTags('webhooks')
@Controller('webhook-deliveries')
@Authenticated({ roles: ['admin', 'security_admin', 'user_manager', 'integration'], apiKey: true })
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':id/replay')
  @HttpCode(202)
  @Endpoint({
    summary: 'Send a delivered or failed message again: a new chain of attempts, same webhook-id',
    description: 'The answer is the delivery, pending; the attempt runs in the worker at once.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: WEBHOOK_DELIVERY_MACHINE, actions: ['replay'] },
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  replayWebhookDelivery(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.replay(auth, id);
  }
}
