import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OnDomainEvent } from '../../../infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { OutboxService } from '../../../infra/events/outbox.service';
import { MatchIndex } from '../../platform/terms/match-index.service';
import { NeedsRepository } from '../needs/needs.repository';
import { RESULT_EVENTS } from '../results/results.constants';
import { MATCH_ALERT_POOL, MATCH_ALERT_THRESHOLD, MATCH_EVENTS } from './matching.constants';

/**
 * Standing alerts (ADR 0060 "Wiring"): when a result is published, every open public need (the
 * index holds needs only while refined or long-term) it matches at or above the threshold gets one
 * `match.found`, once per need and result (match_alerts), for the need's broker and enterprise.
 */
@Injectable()
export class MatchAlertsHandler {
  constructor(
    private readonly index: MatchIndex,
    private readonly needs: NeedsRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  @OnDomainEvent(RESULT_EVENTS.published)
  async onResultPublished(event: DeliveredEvent, em: EntityManager): Promise<void> {
    const resultId = event.aggregateId;
    let matches;
    try {
      matches = await this.index.topMatches('result', resultId, 'need', MATCH_ALERT_POOL, em);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'NOT_FOUND') return; // withdrawn since
      throw e;
    }
    for (const m of matches.filter((x) => x.score >= MATCH_ALERT_THRESHOLD)) {
      const inserted = await em.query<unknown[]>(
        `INSERT INTO match_alerts (need_id, result_id, score, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING need_id`,
        [m.id, resultId, m.score, this.clock.now()],
      );
      if (!inserted.length) continue;
      const need = await this.needs.findById(m.id, em);
      if (!need) continue;
      await this.outbox.publish(em, {
        type: MATCH_EVENTS.found,
        aggregateType: 'need',
        aggregateId: need.id,
        data: {
          needId: need.id,
          resultId,
          score: m.score,
          title: need.title,
          enterpriseOrganizationId: need.enterpriseOrganizationId,
          brokerUserId: need.brokerUserId,
        },
      });
    }
  }
}
