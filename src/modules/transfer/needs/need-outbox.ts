import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JsonValue } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import type { NeedEntity } from './entities/need.entity';
import { NEED_ENTITY } from './need-events';

/**
 * A need's outbox events. The data never holds the confidential details nor the enterprise's
 * name; `enterpriseOrganizationId` is for routing notifications and party webhooks, and
 * `publicEnterpriseOrganizationId` (null for an anonymous need) is what a public webhook carries.
 */
@Injectable()
export class NeedOutbox {
  constructor(private readonly outbox: OutboxService) {}

  async publish(
    em: EntityManager,
    type: string,
    need: NeedEntity,
    extra: Record<string, JsonValue> = {},
    occurredAt?: Date,
  ): Promise<void> {
    await this.outbox.publish(em, {
      type,
      occurredAt,
      aggregateType: NEED_ENTITY,
      aggregateId: need.id,
      data: {
        needId: need.id,
        title: need.title,
        status: need.status,
        industryChain: need.industryChainCode,
        regionCode: need.regionCode,
        budgetMinFen: need.budgetMinFen,
        budgetMaxFen: need.budgetMaxFen,
        anonymous: need.anonymous,
        enterpriseOrganizationId: need.enterpriseOrganizationId,
        publicEnterpriseOrganizationId: need.anonymous ? null : need.enterpriseOrganizationId,
        centreOrganizationId: need.centreOrganizationId,
        brokerUserId: need.brokerUserId,
        challengeId: need.challengeId,
        expiresAt: need.expiresAt.toISOString(),
        version: need.version,
        ...extra,
      },
    });
  }
}
