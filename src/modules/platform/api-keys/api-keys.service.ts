import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal, requireUser } from '../../../common/auth/principal';
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

/** The people who manage every key: the platform's security administrator (ADR 0043). */
export const API_KEY_PLATFORM_ROLES = ['security_admin'] as const;

/**
 * The scopes an organization's user manager may give its keys: what an organization's system does
 * with a key (DOMAIN.md `integration`): manage its webhook subscriptions, read statistics and open data.
 */
export const ORGANIZATION_KEY_SCOPES = ['webhooks:manage', 'stats:read', 'open-data:read'] as const;

/** Whose keys a person manages: every one, or those of its own organization (ADR 0047). */
export type ApiKeyScope = { kind: 'all' } | { kind: 'organization'; organizationId: string };

export function apiKeyScopeOf(actor: Principal): ApiKeyScope {
  const user = requireUser(actor, 'Only a person can manage API keys');
  if (hasRole(user, ...API_KEY_PLATFORM_ROLES)) return { kind: 'all' };
  if (hasRole(user, 'user_manager')) return { kind: 'organization', organizationId: user.organizationId };
  throw new DomainError(
    'FORBIDDEN',
    "API keys are managed by the security administrator and organizations' user managers",
  );
}

/**
 * What a user manager's key is for: its own organization (another's is a 404, as if it did not
 * exist), with scopes from ORGANIZATION_KEY_SCOPES only.
 */
function organizationKeyOf(organizationId: string, dto: CreateApiKeyDto): { organizationId: string } {
  if (dto.organizationId && dto.organizationId !== organizationId) throw DomainError.notFound('Organization');
  const refused = (dto.scopes ?? []).filter(
    (scope) => !(ORGANIZATION_KEY_SCOPES as readonly string[]).includes(scope),
  );
  if (refused.length) {
    throw DomainError.validation([
      {
        field: 'scopes',
        message: `an organization's key may have only ${ORGANIZATION_KEY_SCOPES.join(', ')}; not ${refused.join(', ')}`,
      },
    ]);
  }
  return { organizationId };
}

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

  /** Every key for the platform's security administrator; a user manager its organization's. */
  async list(actor: Principal, query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    const scope = apiKeyScopeOf(actor);
    const organizationId = scope.kind === 'organization' ? scope.organizationId : undefined;
    return mapPage(await this.apiKeys.listNewestFirst(query, organizationId), toApiKeyResponse);
  }

  /** Creates a key; the secret is in this answer only, the database keeps its SHA-256. */
  async create(actor: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const user = requireUser(actor, 'Only a person can create API keys');
    const scope = apiKeyScopeOf(user);
    const { organizationId } =
      scope.kind === 'organization'
        ? organizationKeyOf(scope.organizationId, dto)
        : { organizationId: dto.organizationId ?? null };
    const secret = generateApiKey();
    const key = await this.dataSource.transaction(async (em) => {
      if (
        scope.kind === 'all' &&
        organizationId &&
        !(await this.organizations.existsById(em, organizationId))
      ) {
        throw DomainError.validation([{ field: 'organizationId', message: 'organization not found' }]);
      }
      const row = em.create(ApiKeyEntity, {
        name: dto.name.trim(),
        organizationId,
        prefix: secret.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + DISPLAY_PREFIX_LENGTH),
        keyHash: sha256Hex(secret),
        scopes: dto.scopes ?? [],
        createdBy: user.userId,
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

  /**
   * Revokes a key; the strategy refuses it from the next request on. Revoking twice is a no-op. A
   * user manager revokes its organization's keys only (another's is a 404).
   */
  async revoke(actor: Principal, id: string): Promise<void> {
    const scope = apiKeyScopeOf(actor);
    await this.dataSource.transaction(async (em) => {
      const key = await this.apiKeys.findByIdForUpdate(em, id);
      const mine = scope.kind === 'all' || key?.organizationId === scope.organizationId;
      if (!key || !mine) throw DomainError.notFound('API key');
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
