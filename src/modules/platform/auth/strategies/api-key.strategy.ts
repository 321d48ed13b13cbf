import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeyPrincipal } from '../../../../common/auth/principal';
import { sha256Hex } from '../../../../common/auth/secrets';
import { API_KEY_HEADER, API_KEY_STRATEGY } from '../../../../common/auth/strategy-names';
import { Clock } from '../../../../infra/clock/clock';
import { ApiKeysRepository } from '../../api-keys/api-keys.repository';

export { API_KEY_HEADER, API_KEY_STRATEGY };
/** last_used_at is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** `X-Api-Key: jb_live_…` for integrations: looked up by SHA-256; a revoked key is refused at once. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<ApiKeyPrincipal | false> {
    if (typeof apiKey !== 'string' || apiKey.length < 16 || apiKey.length > 200) return false;
    const key = await this.apiKeys.findLiveByHash(sha256Hex(apiKey));
    if (!key) return false;
    const now = this.clock.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.apiKeys.touchLastUsed(key.id, now);
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
