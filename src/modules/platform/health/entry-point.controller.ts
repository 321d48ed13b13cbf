import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import { API_PREFIX } from '../../../infra/http/api-prefix';
import { EntryPointsResponse } from './dto/entry-points.response';

const api = (path: string): string => `/${API_PREFIX}/${path}`;

const ENTRY_POINTS: EntryPointsResponse = {
  name: 'Jiebang Guashuai (揭榜挂帅) API',
  version: '1',
  links: {
    docs: '/docs',
    openapi: '/docs-json',
    liveness: '/health/live',
    readiness: '/health/ready',
    login: api('auth/login'),
    loginMfa: api('auth/login/mfa'),
    passwordReset: api('auth/password-reset'),
    acceptInvitation: api('invitations/accept'),
    challenges: api('challenges'),
    programs: api('programs'),
    organizations: api('organizations'),
    projects: api('projects'),
    stats: api('stats/overview'),
    openData: api('open-data/ocds'),
  },
};

/** `GET /api/v1`, the URL the server prints at start: where the docs, probes and collections are. */
@ApiTags('api')
@Public()
@Controller()
export class EntryPointController {
  @Endpoint({
    summary: 'The entry points of the API',
    description:
      'Links to the documentation, this OpenAPI document, the health probes and the main collections.',
  })
  @ApiOkResponse({ type: EntryPointsResponse })
  @Get()
  entryPoints(): EntryPointsResponse {
    return ENTRY_POINTS;
  }
}
