import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MatchIndex } from '../../platform/terms/match-index.service';
import type { MatchSubject } from '../../platform/terms/match-scoring';
import type { NeedEntity } from './entities/need.entity';
import type { NeedStatus } from './needs-status';

/** The states a need is in the matching library: public and still open (ADR 0060 "Wiring"). */
export const MATCHABLE_NEED_STATUSES: readonly NeedStatus[] = ['refined', 'long_term'];

/** What matching reads of a need: its public fields only, never its confidential details. */
export function publicMatchFields(need: NeedEntity): MatchSubject {
  return {
    texts: [need.title, need.publicSummary, need.desiredOutcome],
    chains: [need.industryChainCode],
    region: need.regionCode,
    trl: need.trlNeeded ?? undefined,
  };
}

/** Keeps a need's entry in the matching index in step with its status, in the caller's transaction. */
@Injectable()
export class NeedMatching {
  constructor(private readonly index: MatchIndex) {}

  async sync(em: EntityManager, need: NeedEntity): Promise<void> {
    if (MATCHABLE_NEED_STATUSES.includes(need.status)) {
      await this.index.index('need', need.id, publicMatchFields(need), em);
    } else {
      await this.index.remove('need', need.id, em);
    }
  }
}
