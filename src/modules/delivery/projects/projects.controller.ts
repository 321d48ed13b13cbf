import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import {
  CHANGE_REQUEST_EXAMPLES,
  CreateChangeRequestDto,
  DecideChangeRequestDto,
  ListProjectsQueryDto,
  MilestoneAssessmentDto,
  MilestoneReportDto,
  ProjectReasonDto,
  StageGateDto,
} from './dto/projects.dto';
import {
  ChangeRequestResponseDto,
  MilestoneDto,
  ProjectDto,
  ProjectSummaryDto,
  StageGateResponseDto,
  TaskBookVersionDto,
} from './dto/projects.response';
import { ChangeRequestsService } from './change-requests.service';
import { MilestonesService } from './milestones.service';
import { ProjectsService } from './projects.service';
import { StageGatesService } from './stage-gates.service';
import type {
  ChangeRequestView,
  MilestoneView,
  ProjectSummaryView,
  ProjectView,
  StageGateView,
  TaskBookVersionView,
} from './projects.views';
import { Endpoint } from '../../../common/openapi/endpoint';
import { CHANGE_REQUEST_MACHINE } from './change-request-status';
import { MILESTONE_MACHINE } from './milestone-status';
import { PROJECT_MACHINE } from './project-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly changes: ChangeRequestsService,
  ) {}

  @Get()
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: "Projects (立项): admins see all; others their organizations' projects",
    description:
      'Parties: the issuer organization, the lead organization, the team’s consortium organizations.',
  })
  @ApiPageResponse(ProjectSummaryDto)
  list(@Auth() auth: Principal, @Query() query: ListProjectsQueryDto): Promise<Page<ProjectSummaryView>> {
    return this.projects.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'A project: task book, signatures, amounts per payer, milestones (ETag)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ProjectDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ProjectView> {
    const view = await this.projects.get(auth, id);
    setEtag(res, view.version);
    return view;
  }

  @Post(':id/sign')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'Sign the task book for the caller’s party (issuer, applicant lead organization, admin)',
    description:
      'Signing twice is harmless (200, nothing changes). The third signature activates the project: ' +
      'milestone due dates (end of the Asia/Shanghai day, activation + dueMonth months), their overdue ' +
      'deadlines and the ledger’s tranches. 403 for a party that signs for none (consortium). If-Match optional.',
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: PROJECT_MACHINE, actions: ['sign', 'activate'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectDto })
  sign(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
  ): Promise<ProjectView> {
    return this.projects.sign(auth, id, version);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Suspend the project with a reason (pending_signature, active, acceptance_requested)',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: PROJECT_MACHINE, actions: ['suspend'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectDto })
  suspend(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ProjectReasonDto,
    @IfMatch() version: number | undefined,
  ): Promise<ProjectView> {
    return this.projects.suspend(auth, id, dto.reason, version);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Resume a suspended project: back to the status it was suspended from',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: PROJECT_MACHINE, actions: ['resume'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectDto })
  resume(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
  ): Promise<ProjectView> {
    return this.projects.resume(auth, id, version);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Terminate the project with a reason: unpaid tranches cancelled, milestone deadlines cancelled',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: PROJECT_MACHINE, actions: ['terminate'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectDto })
  terminate(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ProjectReasonDto,
    @IfMatch() version: number | undefined,
  ): Promise<ProjectView> {
    return this.projects.terminate(auth, id, dto.reason, version);
  }

  @Get(':id/milestones')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'The milestones with their reports and assessments, by position',
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(MilestoneDto)
  milestones(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<Page<MilestoneView>> {
    return this.projects.milestones(auth, id);
  }

  @Get(':id/task-book/versions')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'Every version of the task book, oldest first (v1 at award, one per approved change)',
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(TaskBookVersionDto)
  taskBookVersions(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<TaskBookVersionView>> {
    return this.projects.taskBookVersions(auth, id, query);
  }

  @Post(':id/change-requests')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary:
      'Lodge a change request (lead organization’s applicant): extension, member_change, indicator_change',
    description: 'Only while the project is active (409 otherwise).',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: [
      { machine: CHANGE_REQUEST_MACHINE, actions: ['lodge'] },
      { machine: PROJECT_MACHINE, actions: ['request_change'] },
    ],
  })
  @ApiBody({ type: CreateChangeRequestDto, examples: CHANGE_REQUEST_EXAMPLES })
  @ApiCreatedResponse({ type: ChangeRequestResponseDto })
  lodgeChange(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: CreateChangeRequestDto,
  ): Promise<ChangeRequestView> {
    return this.changes.lodge(auth, id, dto);
  }

  @Get(':id/change-requests')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({ summary: 'The project’s change requests, newest first', errors: ['NOT_FOUND'] })
  @ApiPageResponse(ChangeRequestResponseDto)
  changeRequests(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ChangeRequestView>> {
    return this.changes.list(auth, id, query);
  }
}

@ApiTags('projects')
@Controller('milestones')
export class MilestonesController {
  constructor(private readonly milestones: MilestonesService) {}

  @Post(':id/reports')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Submit a progress report (lead organization’s applicant): pending | failed → submitted',
    description:
      "Only while the project is active. A failed milestone may be reported again the program's " +
      'milestoneResubmissions times; then 422. Evidence: attachments of the lead organization.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: [
      { machine: MILESTONE_MACHINE, actions: ['submit_report'] },
      { machine: PROJECT_MACHINE, actions: ['submit_milestone_report'] },
    ],
  })
  @ApiCreatedResponse({ type: MilestoneDto })
  report(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: MilestoneReportDto,
  ): Promise<MilestoneView> {
    return this.milestones.submitReport(auth, id, dto);
  }

  @Post(':id/assessment')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Assess the submitted report with the issuer’s opinion: passed | conditionally_passed | failed',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: [
      { machine: MILESTONE_MACHINE, actions: ['pass', 'pass_with_conditions', 'fail'] },
      { machine: PROJECT_MACHINE, actions: ['assess_milestone'] },
    ],
  })
  @ApiOkResponse({ type: MilestoneDto })
  assess(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: MilestoneAssessmentDto,
  ): Promise<MilestoneView> {
    return this.milestones.assess(auth, id, dto);
  }
}

@ApiTags('projects')
@Controller('change-requests')
export class ChangeRequestsController {
  constructor(private readonly changeRequests: ChangeRequestsService) {}

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({ summary: 'A change request (parties of its project, admins)', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: ChangeRequestResponseDto })
  get(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<ChangeRequestView> {
    return this.changeRequests.get(auth, id);
  }

  @Post(':id/decide')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Approve or reject a change request with the issuer’s opinion',
    description:
      'Approval writes a new task book version; an approved extension moves the milestone’s due time and ' +
      'its overdue deadline. If-Match optional.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: [
      { machine: CHANGE_REQUEST_MACHINE, actions: ['approve', 'reject'] },
      { machine: PROJECT_MACHINE, actions: ['approve_change'] },
      { machine: MILESTONE_MACHINE, actions: ['extend'] },
    ],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ChangeRequestResponseDto })
  decide(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: DecideChangeRequestDto,
    @IfMatch() version: number | undefined,
  ): Promise<ChangeRequestView> {
    return this.changeRequests.decide(auth, id, dto, version);
  }
}

@ApiTags('projects')
@Controller('challenges')
export class StageGatesController {
  constructor(private readonly stageGates: StageGatesService) {}

  @Post(':id/stage-gate')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Horse-race stage gate (赛马阶段评估): continue or terminate each active line',
    description:
      'Every active line of the challenge decided exactly once; only when its milestone at milestonePosition ' +
      'is assessed on every active line (422 otherwise). One gate per position (409 for a second).',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: PROJECT_MACHINE, actions: ['terminate'] },
  })
  @ApiCreatedResponse({ type: StageGateResponseDto })
  stageGate(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: StageGateDto,
  ): Promise<StageGateView> {
    return this.stageGates.decide(auth, id, dto);
  }
}
