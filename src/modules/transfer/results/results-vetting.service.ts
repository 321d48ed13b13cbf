import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ResultResponseDto } from './dto/result-response.dto';
import { RESULT_ACTIONS, RESULT_ENTITY, RESULT_EVENTS } from './results.constants';
import { resultEventData, toResultResponse } from './results.mappers';
import { ResultMatching } from './result-matching';
import { ResultsRepository } from './results.repository';
import { RESULT_MACHINE } from './results-status';

/** Vetting by a broker or an admin: publish into the public library, or return with a reason. */
@Injectable()
export class ResultsVettingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: ResultsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly matching: ResultMatching,
  ) {}

  publish(actor: Principal, id: string, expectedVersion?: number): Promise<ResultResponseDto> {
    return this.vet(actor, id, 'publish', null, expectedVersion);
  }

  return(actor: Principal, id: string, reason: string, expectedVersion?: number): Promise<ResultResponseDto> {
    return this.vet(actor, id, 'return', reason.trim(), expectedVersion);
  }

  private async vet(
    actor: Principal,
    id: string,
    action: 'publish' | 'return',
    reason: string | null,
    expectedVersion?: number,
  ): Promise<ResultResponseDto> {
    const { result, hasConfidential } = await this.dataSource.transaction(async (em) => {
      const r = await this.results.lockById(em, id);
      if (!r) throw DomainError.notFound('Result');
      assertVersion(r.version, expectedVersion);
      if (!RESULT_MACHINE.can(r.status, action)) throw DomainError.invalidTransition(r.status, action);
      const before = r.status;
      const now = this.clock.now();
      r.status = RESULT_MACHINE.target(r.status, action);
      if (action === 'publish') {
        r.publishedAt = now;
        r.returnReason = null;
      } else r.returnReason = reason;
      r.version += 1;
      r.updatedAt = now;
      await em.save(r);
      await this.matching.sync(em, r);
      await this.audit.record(em, {
        actor,
        action: action === 'publish' ? RESULT_ACTIONS.published : RESULT_ACTIONS.returned,
        objectType: RESULT_ENTITY,
        objectId: r.id,
        before: { status: before },
        after: { status: r.status, reason },
      });
      await this.outbox.publish(em, {
        type: action === 'publish' ? RESULT_EVENTS.published : RESULT_EVENTS.returned,
        aggregateType: RESULT_ENTITY,
        aggregateId: r.id,
        data: { ...resultEventData(r), ...(reason ? { reason } : {}) },
      });
      const confidential = await this.results.confidential(r.id, em);
      return { result: r, hasConfidential: !!confidential?.details };
    });
    return toResultResponse(result, hasConfidential);
  }
}
