import { Module } from '@nestjs/common';
import { IntegrityRecordsController } from './integrity-records.controller';
import { IntegrityRecordsRepository } from './integrity-records.repository';

/**
 * 科研诚信 records: written by acceptance (a failure without the due-diligence exemption, ADR 0029),
 * read by the formal check of applications and listed to admins (GET /integrity-records).
 */
@Module({
  controllers: [IntegrityRecordsController],
  providers: [IntegrityRecordsRepository],
  exports: [IntegrityRecordsRepository],
})
export class IntegrityRecordsModule {}
