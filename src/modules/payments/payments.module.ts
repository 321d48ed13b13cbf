import { Module } from '@nestjs/common';
import { LedgerService } from './ledger.service';

/** The money ledger (拨付): tranches per project and payer, approvals and paid confirmations (ADR 0028). */
@Module({
  providers: [LedgerService],
  exports: [LedgerService],
})
export class PaymentsModule {}
