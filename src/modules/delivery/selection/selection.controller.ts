import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch } from '../../../common/concurrency/etag';
import { ReasonDto } from '../../call/challenges/dto/challenge-input.dto';
import { DecideObjectionDto, LodgeObjectionDto, SelectDto } from './dto/selection.dto';
import { ChallengeStateDto, ObjectionResponseDto, PublicityNoticeDto } from './dto/selection.response';
import { ObjectionsService } from './objections.service';
import { SelectionService } from './selection.service';
import type { ChallengeStateView, ObjectionView, PublicityNotice } from './selection.views';
import { Endpoint } from '../../../common/openapi/endpoint';
import { APPLICATION_MACHINE } from '../../call/applications/application-status';
import { CHALLENGE_MACHINE } from '../../call/challenges/challenge-status';
import { PROJECT_MACHINE } from '../projects/project-status';
import { OBJECTION_MACHINE, SELECTION_MACHINE } from './selection-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('selection')
@Controller('challenges')
export class ChallengeSelectionController {
  constructor(
    private readonly selection: SelectionService,
    private readonly objections: ObjectionsService,
  ) {}

  @Post(':id/selection')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Select the winning application(s) and open the publicity period (公示)',
    description:
      'single: exactly one id; horse_race: 1..teamCount. ' +
      'Every id a shortlisted application of the challenge that passed (422 naming it otherwise). The period ends after the ' +
      "program's publicityWorkingDays working days (Asia/Shanghai, by the official calendar of GET /calendar/{year}: " +
      'weekends and public holidays skipped, make-up working days counted). If-Match optional.',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
    ],
    transitions: [
      { machine: CHALLENGE_MACHINE, actions: ['select'] },
      { machine: SELECTION_MACHINE, actions: ['select'] },
      { machine: APPLICATION_MACHINE, actions: ['select'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChallengeStateDto })
  select(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: SelectDto,
    @IfMatch() version: number | undefined,
  ): Promise<ChallengeStateView> {
    return this.selection.select(auth, id, dto, version);
  }

  @Post(':id/unsuccessful')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Declare the challenge unsuccessful (流榜): no application reached the pass line',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
    ],
    transitions: [
      { machine: CHALLENGE_MACHINE, actions: ['mark_unsuccessful'] },
      { machine: APPLICATION_MACHINE, actions: ['not_select'] },
    ],
  })
  @ApiOkResponse({ type: ChallengeStateDto })
  unsuccessful(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReasonDto,
  ): Promise<ChallengeStateView> {
    return this.selection.markUnsuccessful(auth, id, dto.reason);
  }

  @Get(':id/publicity')
  @Public()
  @Endpoint({
    summary:
      'The publicity notice (公示): selected teams, lead organizations, scores, period, objection count',
    description: 'Public. No grounds and no names of objectors.',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: PublicityNoticeDto })
  publicity(@Param('id', uuid) id: string): Promise<PublicityNotice> {
    return this.selection.publicity(id);
  }

  @Post(':id/objections')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'Lodge an objection (异议) during the publicity period',
    description: '409 when the challenge is not in publicity; 422 DEADLINE_PASSED once the period has ended.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: OBJECTION_MACHINE, actions: ['lodge'] },
  })
  @ApiCreatedResponse({ type: ObjectionResponseDto })
  lodge(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: LodgeObjectionDto,
  ): Promise<ObjectionView> {
    return this.objections.lodge(auth, id, dto.grounds);
  }

  @Post(':id/award')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Finalize the award after the publicity period (the deadline job does it too; exactly once)',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
    ],
    transitions: [
      { machine: CHALLENGE_MACHINE, actions: ['finalize'] },
      { machine: SELECTION_MACHINE, actions: ['finalize'] },
      { machine: APPLICATION_MACHINE, actions: ['not_select'] },
      { machine: PROJECT_MACHINE, actions: ['award'] },
    ],
  })
  @ApiOkResponse({ type: ChallengeStateDto })
  award(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<ChallengeStateView> {
    return this.selection.award(auth, id);
  }
}

@ApiTags('selection')
@Controller('objections')
export class ObjectionsController {
  constructor(private readonly objections: ObjectionsService) {}

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({ summary: 'An objection: admins and its objector (404 for others)', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: ObjectionResponseDto })
  get(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<ObjectionView> {
    return this.objections.get(auth, id);
  }

  @Post(':id/decide')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'Decide an objection: lodged → under_investigation → upheld | dismissed (lodged → upheld | dismissed allowed)',
    description: 'Upheld reopens the selection (the challenge back to under_review). If-Match optional.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: [
      { machine: OBJECTION_MACHINE, actions: ['investigate', 'uphold', 'dismiss'] },
      { machine: SELECTION_MACHINE, actions: ['reopen', 'finalize'] },
      { machine: CHALLENGE_MACHINE, actions: ['reopen_selection', 'finalize'] },
      { machine: APPLICATION_MACHINE, actions: ['deselect', 'not_select'] },
      { machine: PROJECT_MACHINE, actions: ['award'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ObjectionResponseDto })
  decide(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DecideObjectionDto,
    @IfMatch() version: number | undefined,
  ): Promise<ObjectionView> {
    return this.objections.decide(auth, id, dto, version);
  }
}
