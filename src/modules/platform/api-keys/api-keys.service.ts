import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { randomSecret, sha256Hex } from '../../../common/auth/secrets';
import { DomainError } from '../../../common/errors/domain-error';
import { mapPage, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { ApiKeysRepository } from './api-keys.repository';
import {
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  toApiKeyResponse,
} from './dto/api-key.dto';
import { ApiKeyEntity } from './entities/api-key.entity';

export const API_KEY_PREFIX = 'jb_live_';
const DISPLAY_PREFIX_LENGTH = 8;

export const API_KEY_AUDIT = { created: 'api_key.created', revoked: 'api_key.revoked' } as const;

/** A new key: `jb_live_` + 32 random bytes in base64url. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomSecret(32)}`;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return mapPage(await this.apiKeys.listNewestFirst(query), toApiKeyResponse);
  }

  /** Creates a key; the secret is in this answer only, the database keeps its SHA-256. */
  async create(actor: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only a person can create API keys');
    const secret = generateApiKey();
    const key = await this.dataSource.transaction(async (em) => {
      if (dto.organizationId && !(await this.organizations.existsById(em, dto.organizationId))) {
        throw DomainError.validation([{ field: 'organizationId', message: 'organization not found' }]);
      }
      const row = em.create(ApiKeyEntity, {
        name: dto.name.trim(),
        organizationId: dto.organizationId ?? null,
        prefix: secret.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + DISPLAY_PREFIX_LENGTH),
        keyHash: sha256Hex(secret),
        scopes: dto.scopes ?? [],
        createdBy: actor.userId,
        createdAt: this.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      await em.save(row);
      await this.audit.record(em, {
        actor,
        action: API_KEY_AUDIT.created,
        objectType: 'api_key',
        objectId: row.id,
        after: { ...toApiKeyResponse(row) },
      });
      return row;
    });
    return { ...toApiKeyResponse(key), key: secret };
  }

  /** Revokes a key; the strategy refuses it from the next request on. Revoking twice is a no-op. */
  async revoke(actor: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const key = await this.apiKeys.findByIdForUpdate(em, id);
      if (!key) throw DomainError.notFound('API key');
      if (key.revokedAt) return;
      const before = { ...toApiKeyResponse(key) };
      key.revokedAt = this.clock.now();
      await em.save(key);
      await this.audit.record(em, {
        actor,
        action: API_KEY_AUDIT.revoked,
        objectType: 'api_key',
        objectId: id,
        before,
        after: { ...toApiKeyResponse(key) },
      });
    });
  }
}
