import { Module } from '@nestjs/common';
import { IntegrityRecordsRepository } from './integrity-records.repository';

/** 科研诚信 records: read by the formal check of bids; written by acceptance (projects). */
@Module({ providers: [IntegrityRecordsRepository], exports: [IntegrityRecordsRepository] })
export class IntegrityRecordsModule {}
