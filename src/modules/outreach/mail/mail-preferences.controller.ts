import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import { NOTIFICATION_RECIPIENT_ROLES, type Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import {
  NotificationPreferencesResponse,
  ReplaceNotificationPreferencesDto,
} from './dto/notification-preferences.dto';
import { NotificationPreferences, MailPreferencesService } from './mail-preferences.service';
import { Endpoint } from '../../../common/openapi/endpoint';

function toResponse(res: HttpResponse, p: NotificationPreferences): NotificationPreferencesResponse {
  setEtag(res, p.version);
  return {
    locale: p.locale,
    emailOptOuts: p.emailOptOuts,
    emailKinds: p.emailKinds,
    version: p.version,
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

/** The caller's own notification preferences: e-mail language and e-mail opt-outs per event kind. */
@ApiTags('users')
@Controller('users/me/notification-preferences')
@Authenticated({ roles: NOTIFICATION_RECIPIENT_ROLES })
export class NotificationPreferencesController {
  constructor(private readonly preferences: MailPreferencesService) {}

  @Get()
  @Endpoint({
    summary: 'Your e-mail language and the event kinds you opted out of by e-mail (ETag = version)',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  async get(
    @Auth() auth: Principal,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NotificationPreferencesResponse> {
    return toResponse(res, await this.preferences.get(auth));
  }

  @Put()
  @Endpoint({
    summary:
      'Replace your e-mail language and e-mail opt-outs (in-app notifications are not affected); If-Match optional',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: NotificationPreferencesResponse })
  async replace(
    @Auth() auth: Principal,
    @Body() dto: ReplaceNotificationPreferencesDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<NotificationPreferencesResponse> {
    return toResponse(res, await this.preferences.replace(auth, dto, expectedVersion));
  }
}
