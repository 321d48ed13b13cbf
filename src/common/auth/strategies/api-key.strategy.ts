import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../../../infra/clock/clock';
import { ApiKeyEntity } from '../../../modules/platform/api-keys/entities/api-key.entity';
import { ApiKeyPrincipal } from '../principal';
import { sha256Hex } from '../secrets';

export const API_KEY_STRATEGY = 'api-key';
export const API_KEY_HEADER = 'X-Api-Key';
/** last_used_at is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** `X-Api-Key: jb_live_…` for integrations: looked up by SHA-256; a revoked key is refused at once. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<ApiKeyPrincipal | false> {
    if (typeof apiKey !== 'string' || apiKey.length < 16 || apiKey.length > 200) return false;
    const repository = this.dataSource.getRepository(ApiKeyEntity);
    const key = await repository.findOne({ where: { keyHash: sha256Hex(apiKey), revokedAt: IsNull() } });
    if (!key) return false;
    const now = this.clock.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await repository
        .createQueryBuilder()
        .update()
        .set({ lastUsedAt: now })
        .where('id = :id AND (last_used_at IS NULL OR last_used_at < :now)', { id: key.id, now })
        .execute();
    }
    return {
      kind: 'api_key',
      apiKeyId: key.id,
      organizationId: key.organizationId,
      roles: ['integration'],
      scopes: key.scopes,
    };
  }
}
