import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { ChallengeLedgerDto, PaymentDetailDto, PaymentDto, ProjectPaymentsDto } from './dto/payment.dto';
import { PaymentsService } from './payments.service';
import { Endpoint } from '../../../common/openapi/endpoint';
import { PAYMENT_MACHINE } from './payment-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('payments')
@Controller('projects')
export class ProjectPaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':id/payments')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: "A project's tranches (拨付) with their status and the sums per payer",
    description:
      "The project's parties (issuer organization, lead organization, consortium organizations read-only) and admins.",
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ProjectPaymentsDto })
  listProjectPayments(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<ProjectPaymentsDto> {
    return this.payments.projectPayments(auth, id);
  }
}

@ApiTags('payments')
@Controller('challenges')
export class ChallengeLedgerController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':id/ledger')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: "Every ledger entry of the challenge's projects, oldest first, with sums per payer and kind",
    description:
      "Admins and the challenge's issuer organization. Includes the amounts released at termination.",
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ChallengeLedgerDto })
  getChallengeLedger(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Query() query: PageQueryDto,
  ): Promise<ChallengeLedgerDto> {
    return this.payments.challengeLedger(auth, id, query);
  }
}

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant', 'expert'] })
  @Endpoint({
    summary: 'A tranche with its ledger entries (the parties of its project, admins)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: PaymentDetailDto })
  async getPayment(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PaymentDetailDto> {
    const payment = await this.payments.getPayment(auth, id);
    setEtag(res, payment.version);
    return payment;
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Approve a tranche: scheduled → approved',
    description:
      'A milestone tranche once its milestone passed (or passed with conditions when the program setting ' +
      'conditionalPassReleasesTranche is on) and no earlier milestone failed; the final tranche once the ' +
      'project is accepted. If-Match optional.',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: PAYMENT_MACHINE, actions: ['approve'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: PaymentDto })
  async approvePayment(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PaymentDto> {
    const payment = await this.payments.approve(auth, id, version);
    setEtag(res, payment.version);
    return payment;
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Confirm a tranche was paid: approved → paid, exactly once',
    description:
      'Publishes payment.paid. The same Idempotency-Key replays the first answer; any other second ' +
      'confirmation answers 409 INVALID_STATE_TRANSITION. The paid sum per payer never exceeds the task book. ' +
      'If-Match optional.',
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: PAYMENT_MACHINE, actions: ['confirm'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: PaymentDto })
  async confirmPayment(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PaymentDto> {
    const payment = await this.payments.confirm(auth, id, version);
    setEtag(res, payment.version);
    return payment;
  }
}
