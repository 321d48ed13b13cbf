import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import {
  CreateTaxonomyTermDto,
  ListTaxonomyQueryDto,
  TAXONOMY_CODE_SCHEMA,
  TaxonomyTermResponseDto,
  UpdateTaxonomyTermDto,
} from './dto/taxonomy.dto';
import { TaxonomyService } from './taxonomy.service';
import { Endpoint } from '../../../common/openapi/endpoint';

/** A term's code in the path: anything that is not a code is not a term (404). */
const CODE_PARAM = {
  name: 'code',
  schema: { type: 'string' as const, ...TAXONOMY_CODE_SCHEMA },
  example: 'new_materials',
};

/** Industry chains (产业链) and challenge categories: public to read, admin to maintain; no DELETE (retire with `active: false`). */
@ApiTags('taxonomy')
@Controller()
export class TaxonomyController {
  constructor(private readonly taxonomy: TaxonomyService) {}

  @Get('industry-chains')
  @Public()
  @Endpoint({ summary: 'List industry chains in display order (active ones unless includeInactive)' })
  @ApiPageResponse(TaxonomyTermResponseDto)
  listIndustryChains(@Query() query: ListTaxonomyQueryDto): Promise<Page<TaxonomyTermResponseDto>> {
    return this.taxonomy.list('industryChain', query);
  }

  @Post('industry-chains')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'Add an industry chain', errors: ['ALREADY_EXISTS'] })
  @ApiCreatedResponse({ type: TaxonomyTermResponseDto })
  async createIndustryChain(
    @Auth() auth: Principal,
    @Body() dto: CreateTaxonomyTermDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TaxonomyTermResponseDto> {
    const term = await this.taxonomy.create(auth, 'industryChain', dto);
    setEtag(res, term.version);
    return term;
  }

  @Patch('industry-chains/:code')
  @Authenticated({ roles: ['admin'] })
  @ApiParam(CODE_PARAM)
  @Endpoint({
    summary: 'Rename, reorder, retire (active: false) or restore an industry chain',
    errors: ['NOT_FOUND'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TaxonomyTermResponseDto })
  async updateIndustryChain(
    @Auth() auth: Principal,
    @Param('code') code: string,
    @Body() dto: UpdateTaxonomyTermDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TaxonomyTermResponseDto> {
    const term = await this.taxonomy.update(auth, 'industryChain', code, dto, expectedVersion);
    setEtag(res, term.version);
    return term;
  }

  @Get('categories')
  @Public()
  @Endpoint({
    summary: 'List challenge categories in display order (active ones unless includeInactive)',
  })
  @ApiPageResponse(TaxonomyTermResponseDto)
  listCategories(@Query() query: ListTaxonomyQueryDto): Promise<Page<TaxonomyTermResponseDto>> {
    return this.taxonomy.list('category', query);
  }

  @Post('categories')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'Add a category', errors: ['ALREADY_EXISTS'] })
  @ApiCreatedResponse({ type: TaxonomyTermResponseDto })
  async createCategory(
    @Auth() auth: Principal,
    @Body() dto: CreateTaxonomyTermDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TaxonomyTermResponseDto> {
    const term = await this.taxonomy.create(auth, 'category', dto);
    setEtag(res, term.version);
    return term;
  }

  @Patch('categories/:code')
  @Authenticated({ roles: ['admin'] })
  @ApiParam(CODE_PARAM)
  @Endpoint({
    summary: 'Rename, reorder, retire (active: false) or restore a category',
    errors: ['NOT_FOUND'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TaxonomyTermResponseDto })
  async updateCategory(
    @Auth() auth: Principal,
    @Param('code') code: string,
    @Body() dto: UpdateTaxonomyTermDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TaxonomyTermResponseDto> {
    const term = await this.taxonomy.update(auth, 'category', code, dto, expectedVersion);
    setEtag(res, term.version);
    return term;
  }
}
