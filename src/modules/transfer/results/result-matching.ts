import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MatchIndex } from '../../platform/terms/match-index.service';
import type { MatchSubject } from '../../platform/terms/match-scoring';
import type { ResultEntity } from './entities/result.entity';

/**
 * Keeps a result's entry in the matching index in step with its status (ADR 0060 "Wiring"): a
 * published result is indexed from its public fields (title, abstract, keywords, chain, TRL: the
 * verified one if any, else the claimed one); any other status takes it out.
 */
@Injectable()
export class ResultMatching {
  constructor(private readonly index: MatchIndex) {}

  async sync(em: EntityManager, result: ResultEntity): Promise<void> {
    if (result.status !== 'published') return this.index.remove('result', result.id, em);
    await this.index.index('result', result.id, publicResultFields(result), em);
  }
}

/** What matching reads of a result: its public fields only, never its confidential details. */
export function publicResultFields(result: ResultEntity): MatchSubject {
  return {
    texts: [result.title, result.abstract],
    keywords: result.keywords,
    chains: [result.industryChainCode],
    trl: result.verifiedTrl ?? result.trlClaimed ?? undefined,
  };
}
