import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../../common/auth/decorators';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { AuditQueryService } from './audit.service';
import { AuditEventQueryDto, AuditEventResponse } from './dto/audit-event.dto';
import { Endpoint } from '../../../common/openapi/endpoint';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'List audit events, newest first, filtered by object, actor, action and time' })
  @ApiPageResponse(AuditEventResponse)
  list(@Query() query: AuditEventQueryDto): Promise<Page<AuditEventResponse>> {
    return this.audit.list(query);
  }
}
