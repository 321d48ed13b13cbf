import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';
import { IdempotencyWithholds } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

@ApiTags('api-keys')
@Controller('api-keys')
@Authenticated({ roles: ['security_admin', 'admin'] })
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @Endpoint({ summary: 'List integration API keys (never the secrets)' })
  @ApiPageResponse(ApiKeyResponseDto)
  list(@Query() query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return this.apiKeys.list(query);
  }

  @Post()
  @IdempotencyWithholds('key')
  @Endpoint({ summary: 'Create an API key; the secret is in this answer only', errors: ['FORBIDDEN'] })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  create(@Auth() auth: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    return this.apiKeys.create(auth, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Endpoint({ summary: 'Revoke an API key; it is refused from the next request on', errors: ['NOT_FOUND'] })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.apiKeys.revoke(auth, id);
  }
}
