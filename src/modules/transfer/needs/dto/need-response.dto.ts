import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';
import { INTEREST_KINDS } from '../entities/need-interest.entity';
import type { InterestKind } from '../entities/need-interest.entity';
import { NEED_STATUSES } from '../needs-status';
import type { NeedStatus } from '../needs-status';

export class NeedIndicatorDto {
  @ApiProperty({ example: '180℃ 退磁率' }) name: string;
  @ApiProperty({ example: '≤2' }) targetValue: string;
  @ApiProperty({ example: '%' }) unit: string;
  @ApiProperty({ example: '第三方检测报告' }) verificationMethod: string;
}

/** Who filed it: the organization only for those who may know it, else the anonymous label. */
export class NeedEnterpriseDto {
  @ApiProperty({ example: EXAMPLE_IDS.issuerOrganization, format: 'uuid', nullable: true, type: String })
  organizationId: string | null;
  @ApiProperty({ example: '江西某电机有限公司', nullable: true, type: String }) name: string | null;
  @ApiProperty({ example: 'an enterprise in 360100, 新材料' }) label: string;
}

export class NeedDiagnosisDto {
  @ApiProperty({
    example: '高温下钕铁硼矫顽力不足',
    nullable: true,
    type: String,
    description: 'The enterprise, its brokers and admins only',
  })
  realProblem: string | null;
  @ApiProperty({ type: 'integer', example: 6 }) trlNeeded: number;
  @ApiProperty({ type: [NeedIndicatorDto] }) indicators: NeedIndicatorDto[];
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) diagnosedAt: Date;
}

export class NeedResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.need, format: 'uuid' }) id: string;
  @ApiProperty({ example: '稀土永磁电机高温退磁问题' }) title: string;
  @ApiProperty({ example: '寻求耐高温磁体或结构方案。' }) publicSummary: string;
  @ApiProperty({ example: 'new_materials' }) industryChain: string;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: '小批量验证' }) desiredOutcome: string;
  @ApiProperty({ type: 'integer', example: 50_000_000 }) budgetMinFen: number;
  @ApiProperty({ type: 'integer', example: 200_000_000 }) budgetMaxFen: number;
  @ApiProperty({ example: '2027-12-31', nullable: true, type: String }) deadlineWish: string | null;
  @ApiProperty({ example: true }) anonymous: boolean;
  @ApiProperty({ type: NeedEnterpriseDto }) enterprise: NeedEnterpriseDto;
  @ApiProperty({ enum: NEED_STATUSES }) status: NeedStatus;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Why returned (privileged readers)',
  })
  statusReason: string | null;
  @ApiProperty({ example: EXAMPLE_IDS.serviceCentre, nullable: true, type: String, format: 'uuid' })
  centreOrganizationId: string | null;
  @ApiProperty({ example: EXAMPLE_IDS.brokerUser, nullable: true, type: String, format: 'uuid' })
  brokerUserId: string | null;
  @ApiProperty({ type: NeedDiagnosisDto, nullable: true }) diagnosis: NeedDiagnosisDto | null;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, nullable: true, type: String, format: 'date-time' })
  refinedAt: Date | null;
  @ApiProperty({
    example: EXAMPLE_IDS.challenge,
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The challenge list it was promoted to',
  })
  challengeId: string | null;
  @ApiProperty({
    example: [EXAMPLE_IDS.project],
    type: [String],
    description: 'The projects that list became (once awarded)',
  })
  projectIds: string[];
  @ApiProperty({ example: EXAMPLE_TIMES.closes, format: 'date-time' }) expiresAt: Date;
  @ApiProperty({ type: 'integer', example: 3 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) updatedAt: Date;
}

export class NeedConfidentialResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.need, format: 'uuid' }) needId: string;
  @ApiProperty({ example: '现用 N42SH 牌号，工作温度 160℃' }) details: string;
}

export class NeedNdaResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.need, format: 'uuid' }) needId: string;
  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' }) userId: string;
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) acceptedAt: Date;
}

export class NeedInterestResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.needInterest, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.need, format: 'uuid' }) needId: string;
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' }) userId: string;
  @ApiProperty({ enum: INTEREST_KINDS }) kind: InterestKind;
  @ApiProperty({ example: '我们团队有中试线，可对接。' }) message: string;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) createdAt: Date;
}

export class NeedIntroductionResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.needIntroduction, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.need, format: 'uuid' }) needId: string;
  @ApiProperty({
    example: EXAMPLE_IDS.needInterest,
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The expressed interest introduced; null for an introduction from an accepted match',
  })
  interestId: string | null;
  @ApiProperty({
    enum: ['result', 'team', 'expert'],
    nullable: true,
    example: 'result',
    description: 'For an introduction from an accepted match: the matched subject’s kind (null otherwise)',
  })
  subjectKind: 'result' | 'team' | 'expert' | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, example: EXAMPLE_IDS.result })
  subjectId: string | null;
  @ApiProperty({ example: EXAMPLE_IDS.brokerUser, format: 'uuid' }) brokerUserId: string;
  @ApiProperty({ example: '已安排双方线上对接' }) note: string;
  @ApiProperty({ enum: NEED_STATUSES }) needStatus: NeedStatus;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) createdAt: Date;
}
