import { Module } from '@nestjs/common';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { TermsModule } from '../../platform/terms/terms.module';
import { ExpertsController } from './experts.controller';
import { ExpertsRepository } from './experts.repository';
import { ExpertsService } from './experts.service';

/**
 * The expert pool (专家库): profiles, fields of expertise, declared collaborations. The review
 * module imports it for `ExpertsRepository.findActiveForChain` (the panel draw) and
 * `findForConflicts` (the declaration), with the pure rules of `conflicts.ts` (ADR 0022).
 */
@Module({
  imports: [TaxonomyModule, TermsModule],
  controllers: [ExpertsController],
  providers: [ExpertsService, ExpertsRepository],
  exports: [ExpertsService, ExpertsRepository],
})
export class ExpertsModule {}
