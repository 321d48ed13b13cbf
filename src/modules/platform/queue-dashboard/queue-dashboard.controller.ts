import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { serialize } from 'cookie';
import { Authenticated } from '../../../common/auth/decorators';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { API_PREFIX } from '../../../infra/http/api-prefix';
import type { HttpRequest, HttpResponse } from '../../../infra/http/http-types';
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
  openSession(@Req() request: HttpRequest, @Res({ passthrough: true }) response: HttpResponse): void {
    const authorization = request.headers.authorization;
    const token = (typeof authorization === 'string' ? authorization : '').replace(/^Bearer\s+/i, '');
    const maxAge = this.config.ACCESS_TOKEN_TTL_SECONDS;
    // As Express's res.cookie wrote it: Max-Age and Expires both.
    response.header(
      'Set-Cookie',
      serialize(DASHBOARD_COOKIE, token, {
        maxAge,
        path: `/${API_PREFIX}/${DASHBOARD_ROUTE}`,
        expires: new Date(Date.now() + maxAge * 1000),
        httpOnly: true,
        secure: this.config.NODE_ENV === 'production',
        sameSite: 'strict',
      }),
    );
  }
}
