import type { MatchSubject } from '../../platform/terms/match-scoring';
import type { ExpertEntity } from './entities/expert.entity';

/**
 * What matching reads of an expert (ADR 0060): the fields of expertise (keywords, industry chains)
 * and the affiliation's region; never the expert's name, contact data, reviews or scores. Used by
 * the profile's own saves and by the matching backfill, so both index the same fields.
 */
export function expertMatchFields(
  expert: Pick<ExpertEntity, 'keywords' | 'industryChainCodes'>,
  regionCode: string | null,
): MatchSubject {
  return { texts: [], keywords: expert.keywords, chains: expert.industryChainCodes, region: regionCode };
}
