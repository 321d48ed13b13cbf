import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../../common/auth/decorators';
import { ApiPageResponse, mapPage, Page } from '../../../common/pagination/pagination';
import {
  IntegrityRecordResponseDto,
  ListIntegrityRecordsQueryDto,
  toIntegrityRecordResponse,
} from './dto/integrity-record.dto';
import { IntegrityRecordsRepository } from './integrity-records.repository';
import { Endpoint } from '../../../common/openapi/endpoint';

@ApiTags('integrity-records')
@Controller('integrity-records')
export class IntegrityRecordsController {
  constructor(private readonly records: IntegrityRecordsRepository) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Research-integrity records (科研诚信), newest first',
    description:
      'Written when a project fails acceptance without the due-diligence exemption (尽职免责): one against the team leader ' +
      '(subjectType user) and one against the lead organization (organization), sourceType acceptance. The formal check of ' +
      'later applications shows them as a warning. Filters subjectType and subjectId; keyset pagination.',
  })
  @ApiPageResponse(IntegrityRecordResponseDto)
  async list(@Query() query: ListIntegrityRecordsQueryDto): Promise<Page<IntegrityRecordResponseDto>> {
    return mapPage(await this.records.list(query), toIntegrityRecordResponse);
  }
}
