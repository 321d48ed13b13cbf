import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../../platform/attachments/attachments.module';
import { ExpertsModule } from '../../evaluation/experts/experts.module';
import { IntegrityRecordsModule } from '../../platform/integrity-records/integrity-records.module';
import { PaymentsModule } from '../payments/payments.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { TeamsModule } from '../../call/teams/teams.module';
import {
  AcceptanceAssignmentsController,
  AcceptancesController,
  ProjectAcceptanceController,
} from './acceptance.controller';
import { AcceptanceDeadlines } from './acceptance.deadlines';
import { AcceptanceService } from './acceptance.service';

/** Acceptance (验收): request, panel, verdicts, decision, integrity records (ADR 0029). */
@Module({
  imports: [
    ExpertsModule,
    ProgramsModule,
    TeamsModule,
    AttachmentsModule,
    IntegrityRecordsModule,
    PaymentsModule,
  ],
  controllers: [ProjectAcceptanceController, AcceptancesController, AcceptanceAssignmentsController],
  providers: [AcceptanceService, AcceptanceDeadlines],
})
export class AcceptanceModule {}
