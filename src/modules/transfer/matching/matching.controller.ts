import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseEnumPipe,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal, Role } from '../../../common/auth/principal';
import { Endpoint } from '../../../common/openapi/endpoint';
import {
  LabelMatchDto,
  MatchLabelResponseDto,
  MatchResponseDto,
  NeedMatchesQueryDto,
  ResultMatchesQueryDto,
} from './dto/match.dto';
import { MatchingService } from './matching.service';
import { NEED_MATCH_KINDS } from './matching.constants';
import type { NeedMatchKind } from './matching.constants';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
const kindPipe = new ParseEnumPipe(Object.fromEntries(NEED_MATCH_KINDS.map((k) => [k, k])), {
  errorHttpStatusCode: 404,
});
/** Any person of an organization, and admins: access is decided per need or result (404 otherwise). */
const READERS: Role[] = ['issuer', 'applicant', 'expert', 'broker', 'user_manager', 'admin'];

const EXPLAINED =
  'Each match carries its explanation: the shared segmented terms with their weights, the industry-chain ' +
  'overlap, the TRL fit and the region (ADR 0060). Matching reads public fields only, never confidential details.';

@ApiTags('matching')
@Controller()
export class MatchingController {
  constructor(private readonly matching: MatchingService) {}

  @Get('needs/:id/matches')
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary: "A need's best results, teams or experts (its enterprise, brokers who see it, admins)",
    description: `${EXPLAINED} 404 for anyone who does not see the need whole.`,
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: [MatchResponseDto] })
  needMatches(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: NeedMatchesQueryDto,
  ): Promise<MatchResponseDto[]> {
    return this.matching.needMatches(auth, id, query.kind, query.limit);
  }

  @Get('results/:id/matches')
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary: "A result's best open public needs (its holder, brokers, admins)",
    description: `${EXPLAINED} Each need is shown as the public sees it: an anonymous need never names its enterprise.`,
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: [MatchResponseDto] })
  resultMatches(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: ResultMatchesQueryDto,
  ): Promise<MatchResponseDto[]> {
    return this.matching.resultMatches(auth, id, query.limit);
  }

  @Post('needs/:id/matches/:kind/:subjectId/label')
  @HttpCode(200)
  @Authenticated({ roles: ['broker', 'admin'] })
  @Endpoint({
    summary: "Accept or reject a need's suggested match, with a reason (a broker who sees the need)",
    description:
      'One label per need and subject (labelling again replaces it); kept to measure match quality and audited ' +
      'as match.labelled. 404 for a need the broker does not see or an unknown subject.',
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  })
  @ApiParam({ name: 'kind', enum: NEED_MATCH_KINDS })
  @ApiOkResponse({ type: MatchLabelResponseDto })
  label(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Param('kind', kindPipe) kind: NeedMatchKind,
    @Param('subjectId', uuid) subjectId: string,
    @Body() dto: LabelMatchDto,
  ): Promise<MatchLabelResponseDto> {
    return this.matching.label(auth, id, kind, subjectId, dto);
  }
}
