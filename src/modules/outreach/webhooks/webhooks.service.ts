import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { mapPage, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { withTimeout } from '../../../common/timeout';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { afterCommit } from '../../../infra/scheduler/transaction-hooks';
import {
  CreatedWebhookResponseDto,
  CreateWebhookDto,
  WebhookDeliveryDto,
  WebhookResponseDto,
} from './dto/webhook.dto';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity';
import { AllowList, isUrlProblem, parseWebhookUrl, resolveTarget, WEBHOOK_RESOLVER } from './url-policy';
import type { Resolver } from './url-policy';
import { toDeliveryResponse, toWebhookResponse } from './webhook.mappers';
import { receivableEventTypes } from './webhook-events';
import type { WebhookPartyRole } from './webhook-events';
import { WEBHOOK_AUDIT } from './webhook-audit';
import { WEBHOOK_DELIVERY_MACHINE } from './webhook-delivery-status';
import { WebhookJobs } from './webhook-jobs';
import { WEBHOOK_SUBSCRIPTION_MACHINE } from './webhook-subscription-status';
import { OwnerScope, PLATFORM_WEBHOOK_ROLES, visible, WebhooksRepository } from './webhooks.repository';

/** How many subscriptions one key or person may hold. */
export const MAX_SUBSCRIPTIONS_PER_OWNER = 50;
const ENQUEUE_TIMEOUT_MS = 3_000;

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret form (≥ 24 bytes asked). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Who a caller subscribes as: the owner of what it creates and the organization it is made for. */
type CallerScope = OwnerScope & {
  owner: { apiKeyId: string | null; userId: string | null };
  /** The organization its subscriptions are made for (null: the platform's, or a key without one). */
  organizationId: string | null;
};

/**
 * Integration keys manage their own subscriptions, made for their organization; the platform's
 * administrators (admin, security_admin) see and manage all, and theirs receive every event; an
 * organization's user manager sees and manages every one made for its own organization (ADR 0047).
 */
export function scopeOf(actor: Principal): CallerScope {
  if (actor.kind === 'api_key') {
    const owner = { apiKeyId: actor.apiKeyId, userId: null };
    return { kind: 'api_key', apiKeyId: actor.apiKeyId, owner, organizationId: actor.organizationId };
  }
  const owner = { apiKeyId: null, userId: actor.userId };
  if (hasRole(actor, ...PLATFORM_WEBHOOK_ROLES)) return { kind: 'all', owner, organizationId: null };
  if (hasRole(actor, 'user_manager')) {
    return { kind: 'organization', organizationId: actor.organizationId, owner };
  }
  throw new DomainError(
    'FORBIDDEN',
    "Webhooks belong to integration API keys, the platform's administrators and organizations' user managers",
  );
}

@Injectable()
export class WebhooksService {
  private readonly allowList: AllowList;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WebhooksRepository,
    private readonly jobs: WebhookJobs,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {
    this.allowList = new AllowList(config.WEBHOOK_ALLOWED_HOSTS);
  }

  /** Creates a subscription; its secret is in this answer only. The URL is checked first (SSRF). */
  async create(actor: Principal, dto: CreateWebhookDto): Promise<CreatedWebhookResponseDto> {
    const scope = scopeOf(actor);
    const parsed = parseWebhookUrl(dto.url.trim(), this.config.WEBHOOK_ALLOW_HTTP);
    if (isUrlProblem(parsed)) throw DomainError.validation([{ field: 'url', message: parsed.message }]);
    const target = await resolveTarget(parsed.hostname, this.allowList, this.resolver);
    if (isUrlProblem(target)) {
      if (target.kind === 'forbidden') {
        throw new DomainError('WEBHOOK_URL_FORBIDDEN', `The webhook URL is refused: ${target.message}`, {
          extra: { url: parsed.url.href },
        });
      }
      throw DomainError.validation([{ field: 'url', message: target.message }]);
    }
    await this.refuseUnreceivable(scope, dto.eventTypes);
    const secret = generateWebhookSecret();
    const saved = await this.dataSource.transaction(async (em) => {
      const owned = await this.repository.countOwnedBy(em, scope.owner);
      if (owned >= MAX_SUBSCRIPTIONS_PER_OWNER) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `At most ${MAX_SUBSCRIPTIONS_PER_OWNER} webhook subscriptions per owner; delete one first`,
        );
      }
      const now = this.clock.now();
      const row = em.create(WebhookSubscriptionEntity, {
        ownerApiKeyId: scope.owner.apiKeyId,
        ownerUserId: scope.owner.userId,
        organizationId: scope.organizationId,
        url: parsed.url.href,
        eventTypes: dto.eventTypes,
        description: dto.description?.trim() || null,
        secret,
        status: WEBHOOK_SUBSCRIPTION_MACHINE.initial('create'),
        disabledAt: null,
        disabledReason: null,
        failingSince: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(row);
      await this.audit.record(em, {
        actor,
        action: WEBHOOK_AUDIT.created,
        objectType: 'webhook_subscription',
        objectId: row.id,
        after: { ...toWebhookResponse(row) },
      });
      return row;
    });
    return { ...toWebhookResponse(saved), secret };
  }

  /**
   * 422 WEBHOOK_EVENT_NOT_AVAILABLE naming the types this subscriber would never receive: an
   * organization's subscription (a key's or a user manager's) gets the public types, and a party type
   * only when its organization can be that party (issues challenges: a user with the issuer role or a
   * challenge of its own; applies: a user with the applicant role or an application it leads); a key
   * without an organization only the public types. The platform's receive every type.
   */
  private async refuseUnreceivable(scope: CallerScope, eventTypes: readonly string[]): Promise<void> {
    if (scope.kind === 'all') return;
    const roles = new Set<WebhookPartyRole>();
    if (scope.organizationId) {
      const parties = await this.repository.partyRolesOf(scope.organizationId);
      if (parties.issuer) roles.add('issuer');
      if (parties.lead) roles.add('lead');
      // Any organization may hold results (docs/adr/0059).
      roles.add('holder');
    }
    const receivable = receivableEventTypes({ kind: 'organization', roles });
    const refused = eventTypes.filter((type) => !(receivable as readonly string[]).includes(type));
    if (!refused.length) return;
    const who = scope.kind === 'api_key' ? 'This key' : 'Your organization';
    throw new DomainError(
      'WEBHOOK_EVENT_NOT_AVAILABLE',
      `${who} would never receive ${refused.join(', ')}: ${
        scope.organizationId
          ? 'the organization neither issues challenges nor applies to them in the role these events concern'
          : 'it acts for no organization, so it receives only the public events'
      }. It can subscribe to: ${receivable.join(', ')}`,
      {
        errors: [{ field: 'eventTypes', message: `not available to this subscriber: ${refused.join(', ')}` }],
        extra: { unavailableEventTypes: refused, availableEventTypes: receivable },
      },
    );
  }

  async list(actor: Principal, query: PageQueryDto): Promise<Page<WebhookResponseDto>> {
    return mapPage(await this.repository.pageSubscriptions(scopeOf(actor), query), toWebhookResponse);
  }

  async get(actor: Principal, id: string): Promise<WebhookResponseDto> {
    const found = await this.repository.findVisibleSubscription(scopeOf(actor), id);
    if (!found) throw DomainError.notFound('Webhook');
    return toWebhookResponse(found);
  }

  /** Deletes the subscription with its deliveries; jobs still queued for them find nothing to do. */
  async remove(actor: Principal, id: string): Promise<void> {
    const scope = scopeOf(actor);
    await this.dataSource.transaction(async (em) => {
      if (!(await this.repository.lockSubscription(em, id))) throw DomainError.notFound('Webhook');
      const found = await this.repository.findVisibleSubscription(scope, id, em);
      if (!found) throw DomainError.notFound('Webhook');
      await em.delete(WebhookSubscriptionEntity, { id });
      await this.audit.record(em, {
        actor,
        action: WEBHOOK_AUDIT.deleted,
        objectType: 'webhook_subscription',
        objectId: id,
        before: { ...toWebhookResponse(found) },
      });
    });
  }

  async listDeliveries(actor: Principal, id: string, query: PageQueryDto): Promise<Page<WebhookDeliveryDto>> {
    const found = await this.repository.findVisibleSubscription(scopeOf(actor), id);
    if (!found) throw DomainError.notFound('Webhook');
    // One snapshot for the deliveries and their attempts, which the worker records meanwhile.
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const page = await this.repository.pageDeliveries(id, query, em);
      const attempts = await this.repository.attemptsOf(
        page.items.map((d) => d.id),
        em,
      );
      return mapPage(page, (d) => toDeliveryResponse(d, attempts.get(d.id) ?? []));
    });
  }

  /**
   * Sends a delivered or failed message again: a new chain of attempts (with the full retry
   * schedule) of the same message — the same `webhook-id` and body, a fresh signature.
   */
  async replay(actor: Principal, deliveryId: string): Promise<WebhookDeliveryDto> {
    const scope = scopeOf(actor);
    const delivery = await this.dataSource.transaction(async (em) => {
      const first = await this.repository.findDelivery(deliveryId, em);
      if (!first) throw DomainError.notFound('Webhook delivery');
      const subscription = await this.repository.lockSubscription(em, first.subscriptionId);
      if (!subscription || !visible(scope, subscription)) {
        throw DomainError.notFound('Webhook delivery');
      }
      const row = await this.repository.lockDelivery(em, deliveryId);
      if (!row) throw DomainError.notFound('Webhook delivery');
      if (subscription.status !== 'enabled') {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          'The subscription is disabled; create a new subscription to receive events again',
          { extra: { state: 'disabled', action: 'replay' } },
        );
      }
      const status = WEBHOOK_DELIVERY_MACHINE.target(row.status, 'replay');
      const before = { status: row.status, chain: row.chain };
      const now = this.clock.now();
      row.status = status;
      row.chain += 1;
      row.chainAttempts = 0;
      row.nextAttemptAt = now;
      row.updatedAt = now;
      await em.save(row);
      await this.audit.record(em, {
        actor,
        action: WEBHOOK_AUDIT.deliveryReplayed,
        objectType: 'webhook_delivery',
        objectId: row.id,
        before,
        after: { status: row.status, chain: row.chain, webhookId: row.subscriptionId },
      });
      const payload = { deliveryId: row.id, chain: row.chain, attempt: 1 };
      afterCommit(em, () =>
        withTimeout(this.jobs.enqueue(payload, now), ENQUEUE_TIMEOUT_MS, 'Enqueueing a webhook replay'),
      );
      return row;
    });
    const attempts = await this.repository.attemptsOf([delivery.id]);
    return toDeliveryResponse(delivery, attempts.get(delivery.id) ?? []);
  }
}
