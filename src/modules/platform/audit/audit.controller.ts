import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { AuditQueryService } from './audit.service';
import { AuditEventQueryDto, AuditEventResponse } from './dto/audit-event.dto';
import { Endpoint } from '../../../common/openapi/endpoint';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Authenticated({ roles: ['audit_admin', 'admin'] })
  @Endpoint({
    summary: 'List audit events, newest first, filtered by object, actor, action and time',
    description:
      'The audit administrator; the system administrator only when the deployment sets AUDIT_READ_BY_SYSTEM_ADMIN=true (ADR 43). Every read is itself audited (`audit.read`, with its filters).',
    errors: [
      {
        FORBIDDEN:
          'not the audit administrator, or a system administrator while AUDIT_READ_BY_SYSTEM_ADMIN is off',
      },
    ],
  })
  @ApiPageResponse(AuditEventResponse)
  list(@Auth() auth: Principal, @Query() query: AuditEventQueryDto): Promise<Page<AuditEventResponse>> {
    return this.audit.list(auth, query);
  }
}
