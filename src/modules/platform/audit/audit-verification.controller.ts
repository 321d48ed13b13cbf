import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../../common/auth/decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import { AuditVerificationService } from './audit-verification.service';
import { AuditVerificationQueryDto, AuditVerificationResponse } from './dto/audit-verification.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditVerificationController {
  constructor(private readonly verification: AuditVerificationService) {}

  @Get('verification')
  @Authenticated({ roles: ['audit_admin'] })
  @Endpoint({
    summary: "Verify the audit trail's hash chain over a range of seals",
    description:
      'Recomputes the tamper-evident chain (ADR 0046) from `fromSeq` for at most `limit` seals: each ' +
      "seal's link to its predecessor, each row's hash (live or archived) and the daily checkpoints. " +
      'Answers 200 either way: `status` is `broken` with the first link that does not hold, naming the ' +
      'audit row and why; otherwise `nextFromSeq` says where the next range starts. Audit administrators only.',
  })
  @ApiOkResponse({ type: AuditVerificationResponse })
  verify(@Query() query: AuditVerificationQueryDto): Promise<AuditVerificationResponse> {
    return this.verification.verify(query);
  }
}
