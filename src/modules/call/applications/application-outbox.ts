import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JsonValue } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import type { ChallengeEntity } from '../challenges/entities/challenge.entity';
import { APPLICATION_ENTITY } from './application-events';
import type { ApplicationEntity } from './entities/application.entity';

/** An application's outbox events: the application, its challenge, and what the event adds. */
@Injectable()
export class ApplicationOutbox {
  constructor(private readonly outbox: OutboxService) {}

  async publish(
    em: EntityManager,
    type: string,
    application: ApplicationEntity,
    challenge: Pick<ChallengeEntity, 'id' | 'code' | 'title' | 'issuerOrganizationId'>,
    extra: Record<string, JsonValue> = {},
  ): Promise<void> {
    await this.outbox.publish(em, {
      type,
      aggregateType: APPLICATION_ENTITY,
      aggregateId: application.id,
      data: {
        applicationId: application.id,
        challengeId: challenge.id,
        challengeCode: challenge.code,
        challengeTitle: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        leadOrganizationId: application.leadOrganizationId,
        status: application.status,
        ...extra,
      },
    });
  }
}
