import { Module } from '@nestjs/common';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { ProjectsModule } from '../projects/projects.module';
import {
  ChallengeLedgerController,
  PaymentsController,
  ProjectPaymentsController,
} from './payments.controller';
import { LedgerService } from './ledger.service';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

/**
 * The money ledger (拨付): tranches per project and payer, approvals and paid confirmations (ADR 0028).
 * Depends on ProjectsModule (a tranche belongs to a project); LedgerService registers itself with
 * its ProjectLedger for activation and termination.
 */
@Module({
  imports: [ProgramsModule, ChallengesModule, ProjectsModule],
  controllers: [ProjectPaymentsController, PaymentsController, ChallengeLedgerController],
  providers: [PaymentsRepository, LedgerService, PaymentsService],
  exports: [LedgerService],
})
export class PaymentsModule {}
