import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService, AuditReadPolicy } from './audit.service';
import { AuditVerificationController } from './audit-verification.controller';
import { AuditVerificationService } from './audit-verification.service';
import { AuditArchiver } from './chain/audit-archiver';
import { AuditChainRepository } from './chain/audit-chain.repository';
import { AuditSealer } from './chain/audit-sealer';
import { AuditVerifier } from './chain/audit-verifier';

@Module({
  controllers: [AuditController, AuditVerificationController],
  providers: [
    AuditQueryService,
    AuditReadPolicy,
    AuditVerificationService,
    AuditChainRepository,
    AuditVerifier,
  ],
  exports: [AuditReadPolicy],
})
export class AuditModule {}

/**
 * The audit trail, worker side (ADR 0046): the sealer appends committed rows to the hash chain and
 * writes the daily checkpoints; the archiver moves days past the retention to the archive.
 */
@Module({
  providers: [AuditChainRepository, AuditVerifier, AuditSealer, AuditArchiver],
  exports: [AuditSealer, AuditArchiver],
})
export class AuditWorkerModule {}
