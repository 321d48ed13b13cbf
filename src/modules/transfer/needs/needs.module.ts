import { Module } from '@nestjs/common';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { TermsModule } from '../../platform/terms/terms.module';
import { TaxonomyModule } from '../../platform/taxonomy/taxonomy.module';
import { NetworkModule } from '../network/network.module';
import { NeedAccess } from './need-access.service';
import { NeedBrokeringService } from './need-brokering.service';
import { NeedFilingService } from './need-filing.service';
import { NeedInterestsService } from './need-interests.service';
import { NeedLifecycle } from './need-lifecycle.service';
import { NeedMatching } from './need-matching';
import { NeedOutbox } from './need-outbox';
import { NeedQueriesService } from './need-queries.service';
import { NeedSchedule } from './need-schedule';
import { NeedWorkController } from './need-work.controller';
import { NeedsController } from './needs.controller';
import { NeedDeadlines } from './needs.deadlines';
import { NeedsRepository } from './needs.repository';

/**
 * The industry-demand library (需求库, ADR 0058): enterprises file needs, brokers of the routed
 * centre diagnose and refine them, refined needs become draft challenge lists (through the
 * challenges module), and needs expire unless renewed (NeedDeadlines, in the worker).
 */
@Module({
  imports: [ChallengesModule, TaxonomyModule, NetworkModule, TermsModule],
  controllers: [NeedsController, NeedWorkController],
  providers: [
    NeedsRepository,
    NeedAccess,
    NeedLifecycle,
    NeedOutbox,
    NeedSchedule,
    NeedQueriesService,
    NeedFilingService,
    NeedBrokeringService,
    NeedInterestsService,
    NeedDeadlines,
    NeedMatching,
  ],
  exports: [NeedQueriesService, NeedAccess, NeedsRepository, NeedInterestsService],
})
export class NeedsModule {}
