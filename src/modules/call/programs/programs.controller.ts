import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import {
  CreateProgramDto,
  ListProgramsQueryDto,
  ProgramResponseDto,
  UpdateProgramDto,
} from './dto/program.dto';
import { ProgramsService } from './programs.service';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('programs')
@Controller('programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Get()
  @Public()
  @Endpoint({ summary: 'List programs, newest first (keyset paginated)' })
  @ApiPageResponse(ProgramResponseDto)
  list(@Query() query: ListProgramsQueryDto): Promise<Page<ProgramResponseDto>> {
    return this.programs.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'Create a program; settings left out take their defaults, rubric too' })
  @ApiCreatedResponse({ type: ProgramResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateProgramDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProgramResponseDto> {
    const program = await this.programs.create(auth, dto);
    setEtag(res, program.version);
    return program;
  }

  @Get(':id')
  @Public()
  @Endpoint({ summary: 'Read a program with its complete settings and rubric', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: ProgramResponseDto })
  async get(
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProgramResponseDto> {
    const program = await this.programs.get(id);
    setEtag(res, program.version);
    return program;
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Change a program: settings are merged, a rubric replaces the current one',
    errors: ['NOT_FOUND'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProgramResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateProgramDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProgramResponseDto> {
    const program = await this.programs.update(auth, id, dto, expectedVersion);
    setEtag(res, program.version);
    return program;
  }
}
