import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../call/applications/applications.module';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { PanelsModule } from '../../evaluation/panels/panels.module';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { ExpertsModule } from '../../evaluation/experts/experts.module';
import { IntegrityRecordsModule } from '../../platform/integrity-records/integrity-records.module';
import { ProjectsModule } from '../projects/projects.module';
import { PaymentsModule } from '../payments/payments.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { TeamsModule } from '../../call/teams/teams.module';
import {
  AcceptanceAssignmentsController,
  AcceptancesController,
  ProjectAcceptanceController,
} from './acceptance.controller';
import { AcceptanceDeadlines } from './acceptance.deadlines';
import { AcceptanceContextService } from './acceptance-context.service';
import { AcceptanceDecisionsService } from './acceptance-decisions.service';
import { AcceptanceOutcomesService } from './acceptance-outcomes.service';
import { AcceptancePanelService } from './acceptance-panel.service';
import { AcceptanceRequestsService } from './acceptance-requests.service';
import { AcceptanceVerdictsService } from './acceptance-verdicts.service';
import { AcceptanceViewService } from './acceptance-view.service';
import { AcceptanceRepository } from './acceptance.repository';

/** Acceptance (验收): request, panel, verdicts, decision, integrity records (ADR 0029). */
@Module({
  imports: [
    ExpertsModule,
    PanelsModule,
    ProgramsModule,
    ChallengesModule,
    ApplicationsModule,
    TeamsModule,
    AttachmentsModule,
    IntegrityRecordsModule,
    PaymentsModule,
    ProjectsModule,
  ],
  controllers: [ProjectAcceptanceController, AcceptancesController, AcceptanceAssignmentsController],
  providers: [
    AcceptanceRepository,
    AcceptanceContextService,
    AcceptanceViewService,
    AcceptancePanelService,
    AcceptanceVerdictsService,
    AcceptanceRequestsService,
    AcceptanceOutcomesService,
    AcceptanceDecisionsService,
    AcceptanceDeadlines,
  ],
  /** For the results library: the verdicts a passed acceptance drafts a result from (docs/adr/0059). */
  exports: [AcceptanceRepository],
})
export class AcceptanceModule {}
