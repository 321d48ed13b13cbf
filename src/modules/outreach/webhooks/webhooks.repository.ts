import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { WebhookDeliveryAttemptEntity } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookDisabledReason, WebhookSubscriptionEntity } from './entities/webhook-subscription.entity';
import type { WebhookDeliveryStatus } from './entities/webhook-delivery.entity';
import { WEBHOOK_DELIVERY_MACHINE } from './webhook-delivery-status';
import { WEBHOOK_SUBSCRIPTION_MACHINE } from './webhook-subscription-status';

/**
 * Whose subscriptions a caller sees: the platform's administrators every one, an integration key its
 * own, an organization's user manager every one made for its organization (ADR 0047).
 */
export type OwnerScope =
  { kind: 'all' } | { kind: 'api_key'; apiKeyId: string } | { kind: 'organization'; organizationId: string };

/** The roles of the people whose subscriptions are the platform's (they receive every event). */
export const PLATFORM_WEBHOOK_ROLES = ['admin', 'security_admin'] as const;

/**
 * SQL: whether the owner of subscription `s` (its key `k` and user `u` left-joined) may still receive:
 * a key not revoked; for a platform subscription an enabled admin or security administrator; for an
 * organization's, an enabled user manager still of that organization.
 */
const OWNER_ACTIVE = `CASE
    WHEN s.owner_api_key_id IS NOT NULL THEN COALESCE(k.revoked_at IS NULL, FALSE)
    WHEN s.organization_id IS NULL
      THEN COALESCE(u.enabled AND u.roles && ARRAY[${PLATFORM_WEBHOOK_ROLES.map((r) => `'${r}'`).join(', ')}]::text[], FALSE)
    ELSE COALESCE(u.enabled AND 'user_manager' = ANY(u.roles) AND u.organization_id = s.organization_id, FALSE)
  END`;

/** A subscription that may receive the type, with what decides its scope (webhook-audience.ts). */
export interface SubscriptionCandidate {
  id: string;
  organizationId: string | null;
  ownerUserId: string | null;
}

/** A subscription with what decides whether it may still receive anything. */
export interface DeliverableSubscription {
  id: string;
  url: string;
  secret: string;
  status: string;
  failingSince: Date | null;
  /** The owning key is not revoked, or the owning user is an enabled admin. */
  ownerActive: boolean;
  ownerApiKeyId: string | null;
  ownerUserId: string | null;
  organizationId: string | null;
}

/** The message of one event, to fan out to the subscriptions that may receive it. */
export interface FanOutMessage {
  eventId: string;
  eventType: string;
  body: string;
  now: Date;
}

/** One attempt, as the delivery's history shows it. */
export interface AttemptRecord {
  deliveryId: string;
  chain: number;
  chainAttempt: number;
  attemptedAt: Date;
  outcome: 'succeeded' | 'failed';
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findVisibleSubscription(
    scope: OwnerScope,
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<WebhookSubscriptionEntity | null> {
    const found = await em.findOne(WebhookSubscriptionEntity, { where: { id } });
    return found && visible(scope, found) ? found : null;
  }

  pageSubscriptions(scope: OwnerScope, query: PageQueryDto): Promise<Page<WebhookSubscriptionEntity>> {
    const qb = this.dataSource.getRepository(WebhookSubscriptionEntity).createQueryBuilder('s');
    if (scope.kind === 'api_key') qb.where('s.owner_api_key_id = :key', { key: scope.apiKeyId });
    if (scope.kind === 'organization') {
      qb.where('s.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    return paginate(qb, byCreation('s'), query);
  }

  pageDeliveries(
    subscriptionId: string,
    query: PageQueryDto,
    em: EntityManager = this.dataSource.manager,
  ): Promise<Page<WebhookDeliveryEntity>> {
    const qb = em
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.subscription_id = :subscriptionId', { subscriptionId });
    return paginate(qb, byCreation('d'), query);
  }

  /** The attempts of the deliveries, oldest first, grouped by delivery. */
  async attemptsOf(
    deliveryIds: string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, WebhookDeliveryAttemptEntity[]>> {
    const grouped = new Map<string, WebhookDeliveryAttemptEntity[]>(deliveryIds.map((id) => [id, []]));
    if (!deliveryIds.length) return grouped;
    const rows = await em.find(WebhookDeliveryAttemptEntity, {
      where: { deliveryId: In(deliveryIds) },
      order: { deliveryId: 'ASC', attemptNumber: 'ASC' },
    });
    for (const row of rows) grouped.get(row.deliveryId)?.push(row);
    return grouped;
  }

  findDelivery(
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<WebhookDeliveryEntity | null> {
    return em.findOne(WebhookDeliveryEntity, { where: { id } });
  }

  /**
   * The subscription with its owner's standing, locked FOR NO KEY UPDATE (new deliveries may still
   * reference it meanwhile) unless `lock` is false.
   */
  async lockSubscription(
    em: EntityManager,
    id: string,
    { lock }: { lock: boolean } = { lock: true },
  ): Promise<DeliverableSubscription | null> {
    const [row] = await em.query<
      Array<{
        id: string;
        url: string;
        secret: string;
        status: string;
        failing_since: Date | null;
        owner_active: boolean;
        owner_api_key_id: string | null;
        owner_user_id: string | null;
        organization_id: string | null;
      }>
    >(
      `SELECT s.id, s.url, s.secret, s.status, s.failing_since, s.owner_api_key_id, s.owner_user_id,
              s.organization_id,
              ${OWNER_ACTIVE} AS owner_active
       FROM webhook_subscriptions s
       LEFT JOIN api_keys k ON k.id = s.owner_api_key_id
       LEFT JOIN users u ON u.id = s.owner_user_id
       WHERE s.id = $1
       ${lock ? 'FOR NO KEY UPDATE OF s' : ''}`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      url: row.url,
      secret: row.secret,
      status: row.status,
      failingSince: row.failing_since,
      ownerActive: row.owner_active,
      ownerApiKeyId: row.owner_api_key_id,
      ownerUserId: row.owner_user_id,
      organizationId: row.organization_id,
    };
  }

  /** The subscription with its owner's standing, not locked (read before an attempt is sent). */
  readSubscription(id: string): Promise<DeliverableSubscription | null> {
    return this.lockSubscription(this.dataSource.manager, id, { lock: false });
  }

  /** Locks a delivery row; call after lockSubscription (the one lock order: subscription, delivery). */
  async lockDelivery(em: EntityManager, id: string): Promise<WebhookDeliveryEntity | null> {
    return em.findOne(WebhookDeliveryEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  countOwnedBy(
    em: EntityManager,
    owner: { apiKeyId: string | null; userId: string | null },
  ): Promise<number> {
    return em.count(
      WebhookSubscriptionEntity,
      owner.apiKeyId
        ? { where: { ownerApiKeyId: owner.apiKeyId } }
        : { where: { ownerUserId: owner.userId as string } },
    );
  }

  /**
   * Whether an organization can be the issuer party (a user with the issuer role, or a challenge of
   * its own) or the lead party (a user with the applicant role, or an application it leads).
   */
  async partyRolesOf(organizationId: string): Promise<{ issuer: boolean; lead: boolean }> {
    const [row] = await this.dataSource.query<Array<{ issuer: boolean; lead: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE organization_id = $1 AND 'issuer' = ANY(roles))
           OR EXISTS (SELECT 1 FROM challenges WHERE issuer_organization_id = $1) AS issuer,
              EXISTS (SELECT 1 FROM users WHERE organization_id = $1 AND 'applicant' = ANY(roles))
           OR EXISTS (SELECT 1 FROM applications WHERE lead_organization_id = $1) AS lead`,
      [organizationId],
    );
    return { issuer: !!row?.issuer, lead: !!row?.lead };
  }

  /**
   * The enabled subscriptions to the type whose owner is still active, locked FOR KEY SHARE (not
   * deleted before their deliveries are inserted): one query per event, whatever their number.
   */
  async candidatesFor(em: EntityManager, eventType: string): Promise<SubscriptionCandidate[]> {
    const rows = await em.query<
      Array<{ id: string; organization_id: string | null; owner_user_id: string | null }>
    >(
      `SELECT s.id, s.organization_id, s.owner_user_id
       FROM webhook_subscriptions s
       LEFT JOIN api_keys k ON k.id = s.owner_api_key_id
       LEFT JOIN users u ON u.id = s.owner_user_id
       WHERE s.status = 'enabled' AND $1 = ANY(s.event_types) AND ${OWNER_ACTIVE}
       ORDER BY s.id
       FOR KEY SHARE OF s`,
      [eventType],
    );
    return rows.map((r) => ({ id: r.id, organizationId: r.organization_id, ownerUserId: r.owner_user_id }));
  }

  /**
   * One pending delivery of the message per subscription named; an event already fanned out to a
   * subscription is left alone. Returns the ids inserted now.
   */
  async insertPendingDeliveries(
    em: EntityManager,
    message: FanOutMessage,
    subscriptionIds: readonly string[],
  ): Promise<string[]> {
    if (!subscriptionIds.length) return [];
    const rows = await em.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries
         (subscription_id, event_id, event_type, body, status, chain, chain_attempts, next_attempt_at,
          created_at, updated_at)
       SELECT t.id, $1, $2, $3, $5, 0, 0, $4, $4, $4
       FROM unnest($6::uuid[]) AS t(id)
       ORDER BY t.id
       ON CONFLICT (subscription_id, event_id) DO NOTHING
       RETURNING id`,
      [
        message.eventId,
        message.eventType,
        message.body,
        message.now,
        WEBHOOK_DELIVERY_MACHINE.initial('enqueue'),
        subscriptionIds,
      ],
    );
    return rows.map((r) => r.id);
  }

  async clearFailingSince(em: EntityManager, subscriptionId: string): Promise<void> {
    await em.query(
      `UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
      [subscriptionId],
    );
  }

  async markFailingSince(em: EntityManager, subscriptionId: string, since: Date): Promise<void> {
    await em.query(`UPDATE webhook_subscriptions SET failing_since = $2 WHERE id = $1`, [
      subscriptionId,
      since,
    ]);
  }

  /**
   * Disables an enabled subscription (the machine's `disable`). Null when it was not enabled
   * (disabled already); else when it had been failing since.
   */
  async disableSubscription(
    em: EntityManager,
    subscriptionId: string,
    reason: WebhookDisabledReason,
    now: Date,
  ): Promise<{ failingSince: Date | null } | null> {
    const [rows] = await em.query<[Array<{ failing_since: Date | null }>, number]>(
      `UPDATE webhook_subscriptions
       SET status = $4, disabled_at = $2, disabled_reason = $3, updated_at = $2, version = version + 1
       WHERE id = $1 AND status = ANY($5)
       RETURNING failing_since`,
      [
        subscriptionId,
        now,
        reason,
        WEBHOOK_SUBSCRIPTION_MACHINE.target('enabled', 'disable'),
        WEBHOOK_SUBSCRIPTION_MACHINE.sourcesOf('disable'),
      ],
    );
    return rows.length ? { failingSince: rows[0].failing_since } : null;
  }

  /** Fails every pending delivery of the subscription (it was disabled). */
  async failPendingDeliveries(em: EntityManager, subscriptionId: string, now: Date): Promise<void> {
    await em.query(
      `UPDATE webhook_deliveries SET status = $3, next_attempt_at = NULL, updated_at = $2
       WHERE subscription_id = $1 AND status = ANY($4)`,
      [
        subscriptionId,
        now,
        WEBHOOK_DELIVERY_MACHINE.target('pending', 'fail'),
        WEBHOOK_DELIVERY_MACHINE.sourcesOf('fail'),
      ],
    );
  }

  /** Appends an attempt to the delivery's history, numbered after the last one. */
  async insertAttempt(em: EntityManager, attempt: AttemptRecord): Promise<void> {
    await em.query(
      `INSERT INTO webhook_delivery_attempts
         (delivery_id, attempt_number, chain, chain_attempt, attempted_at, outcome, status_code,
          latency_ms, response_snippet, error, next_attempt_at)
       SELECT $1, COALESCE(MAX(attempt_number), 0)::int + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10
       FROM webhook_delivery_attempts WHERE delivery_id = $1`,
      [
        attempt.deliveryId,
        attempt.chain,
        attempt.chainAttempt,
        attempt.attemptedAt,
        attempt.outcome,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.responseSnippet,
        attempt.error,
        attempt.nextAttemptAt,
      ],
    );
  }

  /** The delivery after an attempt: its status (from the machine), chain progress and next due time. */
  async saveAttemptOutcome(
    em: EntityManager,
    deliveryId: string,
    outcome: {
      status: WebhookDeliveryStatus;
      chainAttempts: number;
      nextAttemptAt: Date | null;
      lastAttemptAt: Date;
      now: Date;
    },
  ): Promise<void> {
    await em.query(
      `UPDATE webhook_deliveries
       SET status = $2, chain_attempts = $3, next_attempt_at = $4, last_attempt_at = $5, updated_at = $6
       WHERE id = $1`,
      [
        deliveryId,
        outcome.status,
        outcome.chainAttempts,
        outcome.nextAttemptAt,
        outcome.lastAttemptAt,
        outcome.now,
      ],
    );
  }
}

export function visible(
  scope: OwnerScope,
  subscription: Pick<WebhookSubscriptionEntity, 'ownerApiKeyId' | 'organizationId'>,
): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'api_key':
      return subscription.ownerApiKeyId === scope.apiKeyId;
    case 'organization':
      return subscription.organizationId === scope.organizationId;
  }
}
