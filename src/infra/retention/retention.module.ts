import { Module } from '@nestjs/common';
import { RetentionArchiver } from './retention.archiver';

/** The worker's retention job (docs/adr/0068). */
@Module({ providers: [RetentionArchiver], exports: [RetentionArchiver] })
export class RetentionWorkerModule {}
