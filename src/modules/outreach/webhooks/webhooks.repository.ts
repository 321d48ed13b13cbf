import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { WebhookDeliveryAttemptEntity } from './entities/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity';

/** Whose subscriptions a caller sees: an admin every one, an integration key its own. */
export type OwnerScope = { kind: 'all' } | { kind: 'api_key'; apiKeyId: string };

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
      }>
    >(
      `SELECT s.id, s.url, s.secret, s.status, s.failing_since, s.owner_api_key_id, s.owner_user_id,
              COALESCE(k.revoked_at IS NULL, FALSE) OR COALESCE(u.enabled AND 'admin' = ANY(u.roles), FALSE)
                AS owner_active
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
}

export function visible(scope: OwnerScope, subscription: WebhookSubscriptionEntity): boolean {
  return scope.kind === 'all' || subscription.ownerApiKeyId === scope.apiKeyId;
}
