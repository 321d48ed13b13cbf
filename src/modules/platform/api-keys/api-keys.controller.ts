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
@Authenticated({ roles: ['security_admin', 'user_manager'] })
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @Endpoint({
    summary: 'List integration API keys (never the secrets)',
    description:
      "Every key for the platform's security administrator (and admins); for an organization's user manager, its own organization's keys only.",
    errors: ['FORBIDDEN'],
  })
  @ApiPageResponse(ApiKeyResponseDto)
  list(@Auth() auth: Principal, @Query() query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return this.apiKeys.list(auth, query);
  }

  @Post()
  @IdempotencyWithholds('key')
  @Endpoint({
    summary: 'Create an API key; the secret is in this answer only',
    description:
      "The platform's security administrator (and admins) create keys for any organization, or for none (a key for the public events and data only). " +
      "An organization's user manager creates keys for its own organization only: `organizationId` may be left out " +
      "(another organization's is a 404), and `scopes` only from `webhooks:manage`, `stats:read`, `open-data:read` (ADR 0047). " +
      'Such a key subscribes to webhooks for its organization.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED'],
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  create(@Auth() auth: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    return this.apiKeys.create(auth, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Endpoint({
    summary: 'Revoke an API key; it is refused from the next request on',
    description:
      "An organization's user manager revokes its own organization's keys only (another's is a 404).",
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.apiKeys.revoke(auth, id);
  }
}
