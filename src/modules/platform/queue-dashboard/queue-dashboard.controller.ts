import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../../../common/auth/decorators';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { API_PREFIX } from '../../../infra/http/api-prefix';
import { DASHBOARD_COOKIE } from './admin-only.middleware';
import { NoIdempotencyKey } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';

export const DASHBOARD_ROUTE = 'admin/queues';

@ApiTags('operations')
@Controller('queue-dashboard')
export class QueueDashboardController {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  @Post('session')
  @NoIdempotencyKey(
    'The answer is a cookie carrying the access token, which a replay must not store; opening twice is harmless',
  )
  @HttpCode(204)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Open the queue dashboard in a browser',
    description: `Sets an HttpOnly cookie, scoped to /${API_PREFIX}/${DASHBOARD_ROUTE}, that carries this admin access token until it expires; then open /${API_PREFIX}/${DASHBOARD_ROUTE}.`,
  })
  @ApiNoContentResponse({ description: 'The cookie is set' })
  openSession(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    response.cookie(DASHBOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.NODE_ENV === 'production',
      path: `/${API_PREFIX}/${DASHBOARD_ROUTE}`,
      maxAge: this.config.ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
  }
}
