import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../../common/auth/decorators';
import { DomainError } from '../../../common/errors/domain-error';
import { ShutdownState } from '../../../infra/lifecycle/shutdown';
import { HealthStatusResponse } from './dto/health-status.response';
import { RedisHealthIndicator } from './redis.health';
import { Endpoint } from '../../../common/openapi/endpoint';
import { LIVENESS_BODY, READINESS_PING_TIMEOUT_MS } from '../../../infra/http/liveness';

/** Probes for orchestrators and load balancers; outside the /api/v1 prefix and public. */
@ApiTags('health')
// Probes are never rate limited: liveness must not depend on Redis, and orchestrators probe often.
@SkipThrottle()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Endpoint({
    summary: 'Liveness: the process is up',
    description: 'Answers 200 while the process runs, whatever the state of its dependencies.',
  })
  @ApiOkResponse({ type: HealthStatusResponse })
  @Get('live')
  live(): HealthStatusResponse {
    // Answered by the platform, without Nest's pipeline (src/infra/http/liveness.ts, ADR 0057).
    return LIVENESS_BODY;
  }

  @Endpoint({
    summary: 'Readiness: PostgreSQL and Redis answer',
    description:
      'Answers 200 when the database and Redis both answer a ping, else 503 problem+json. ' +
      'From the moment the process begins to shut down (SIGTERM) it answers 503, so a load balancer stops sending.',
    errors: [{ SERVICE_UNAVAILABLE: 'a dependency is down, or the process is shutting down' }],
  })
  @ApiOkResponse({ type: HealthStatusResponse })
  @HealthCheck({ swaggerDocumentation: false })
  @Get('ready')
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.draining) throw new DomainError('SERVICE_UNAVAILABLE', 'Not ready: shutting down');
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: READINESS_PING_TIMEOUT_MS }),
        () => this.redis.pingCheck('redis', READINESS_PING_TIMEOUT_MS),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const result = error.getResponse() as HealthCheckResult;
        const down = Object.keys(result.error ?? {});
        throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${down.join(', ') || 'a dependency'} down`, {
          extra: { checks: result.details },
        });
      }
      throw error;
    }
  }
}
