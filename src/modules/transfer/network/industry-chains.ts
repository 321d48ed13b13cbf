import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import type { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';

/**
 * Checks a list of industry-chain codes against the taxonomy; an unknown or retired one answers
 * 400 VALIDATION_FAILED naming `<field>[<i>]`.
 */
export async function assertActiveChains(
  taxonomy: TaxonomyService,
  em: EntityManager,
  codes: readonly string[],
  field: string,
): Promise<void> {
  for (const [i, code] of codes.entries()) {
    try {
      await taxonomy.assertActiveIndustryChain(em, code);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      throw DomainError.validation([
        { field: `${field}[${i}]`, message: `unknown or retired industry chain ${code}` },
      ]);
    }
  }
}
