import { Module } from '@nestjs/common';
import { ProgramsModule } from '../../call/programs/programs.module';
import {
  ChallengeLedgerController,
  PaymentsController,
  ProjectPaymentsController,
} from './payments.controller';
import { LedgerService } from './ledger.service';
import { PaymentsService } from './payments.service';

/** The money ledger (拨付): tranches per project and payer, approvals and paid confirmations (ADR 0028). */
@Module({
  imports: [ProgramsModule],
  controllers: [ProjectPaymentsController, PaymentsController, ChallengeLedgerController],
  providers: [LedgerService, PaymentsService],
  exports: [LedgerService],
})
export class PaymentsModule {}
