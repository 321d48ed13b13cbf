import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditQueryService, AuditReadPolicy } from './audit.service';

@Module({
  controllers: [AuditController],
  providers: [AuditQueryService, AuditReadPolicy],
  exports: [AuditReadPolicy],
})
export class AuditModule {}
