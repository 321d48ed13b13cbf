import { Module } from '@nestjs/common';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { AcceptanceModule } from '../../delivery/acceptance/acceptance.module';
import { ProjectsModule } from '../../delivery/projects/projects.module';
import { OrganizationsModule } from '../../platform/organizations/organizations.module';
import { TermsModule } from '../../platform/terms/terms.module';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { ResultDraftingService } from './result-drafting.service';
import { ResultUtilisationService } from './result-utilisation.service';
import { ResultsAuthoringService } from './results-authoring.service';
import { ResultUtilisationController, ResultsController } from './results.controller';
import { ResultMatching } from './result-matching';
import { ResultsDeadlines } from './results.deadlines';
import { ResultsEventsHandler } from './results.events';
import { ResultsQueriesService } from './results-queries.service';
import { ResultsRepository } from './results.repository';
import { ResultsVettingService } from './results-vetting.service';

/**
 * The results library (成果库, docs/adr/0059): results entered by organizations or drafted from a
 * passed acceptance (with the panel's verified TRL), vetted by brokers and admins, and the yearly
 * utilisation reports of the results of accepted projects.
 */
@Module({
  imports: [
    TaxonomyModule,
    ProgramsModule,
    ChallengesModule,
    ProjectsModule,
    AcceptanceModule,
    OrganizationsModule,
    TermsModule,
  ],
  controllers: [ResultsController, ResultUtilisationController],
  providers: [
    ResultsRepository,
    ResultsAuthoringService,
    ResultsVettingService,
    ResultsQueriesService,
    ResultUtilisationService,
    ResultDraftingService,
    ResultsEventsHandler,
    ResultsDeadlines,
    ResultMatching,
  ],
  exports: [ResultsRepository],
})
export class ResultsModule {}
