import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JsonValue } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import { CHALLENGE_ENTITY } from './challenge-events';
import type { ChallengeEntity } from './entities/challenge.entity';

/** A challenge's outbox events: the challenge's public facts, and what the event adds. */
@Injectable()
export class ChallengeOutbox {
  constructor(private readonly outbox: OutboxService) {}

  async publish(
    em: EntityManager,
    type: string,
    challenge: ChallengeEntity,
    extra: Record<string, JsonValue> = {},
    occurredAt?: Date,
  ): Promise<void> {
    await this.outbox.publish(em, {
      type,
      occurredAt,
      aggregateType: CHALLENGE_ENTITY,
      aggregateId: challenge.id,
      data: {
        challengeId: challenge.id,
        code: challenge.code,
        title: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        programId: challenge.programId,
        status: challenge.status,
        opensAt: challenge.opensAt.toISOString(),
        closesAt: challenge.closesAt.toISOString(),
        totalFen: challenge.totalFen,
        fiscalFen: challenge.fiscalFen,
        version: challenge.version,
        ...extra,
      },
    });
  }
}
