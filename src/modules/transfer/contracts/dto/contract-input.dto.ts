import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { csvEnumProperty } from '../../../../common/openapi/csv-enum';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { CONTRACT_STATUSES, CONTRACT_TYPES } from '../contract-status';
import type { ContractStatus, ContractType } from '../contract-status';

/** 1,000,000,000,000 yuan: far above any contract, far below Number.MAX_SAFE_INTEGER. */
export const MAX_CONTRACT_FEN = 100_000_000_000_000;
const REGION_CODE = /^\d{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NOT_BLANK = /\S/;

/** Example ids of the transfer story (documentation only). */
export const CONTRACT_EXAMPLE_IDS = {
  contract: EXAMPLE_IDS.technologyContract,
  result: EXAMPLE_IDS.contractResult,
  need: EXAMPLE_IDS.contractNeed,
  broker: EXAMPLE_IDS.contractBroker,
} as const;

export class ContractAttachmentInputDto {
  @ApiProperty({
    example: EXAMPLE_IDS.attachment,
    format: 'uuid',
    description: "An attachment uploaded by the filing party's organization (POST /attachments)",
  })
  @IsUUID()
  attachmentId: string;
}

export class CreateContractDto {
  @ApiProperty({ example: '高温超导带材制备技术许可合同', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  title: string;

  @ApiProperty({
    enum: CONTRACT_TYPES,
    description: 'development 开发, transfer 转让, licence 许可, consulting 咨询, service 服务',
  })
  @IsIn(CONTRACT_TYPES)
  type: ContractType;

  @ApiProperty({
    example: EXAMPLE_IDS.leadOrganization,
    format: 'uuid',
    description: "The seller (卖方): the caller's organization or the buyer",
  })
  @IsUUID()
  sellerOrganizationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.issuerOrganization, format: 'uuid', description: 'The buyer (买方)' })
  @IsUUID()
  buyerOrganizationId: string;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: MAX_CONTRACT_FEN,
    example: 300_000_000,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_CONTRACT_FEN)
  contractAmountFen: number;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: MAX_CONTRACT_FEN,
    example: 250_000_000,
    description: '技术交易额: at most contractAmountFen (422 otherwise)',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_CONTRACT_FEN)
  technologyTransactionAmountFen: number;

  @ApiProperty({
    example: '2027-06-18',
    pattern: DATE.source,
    maxLength: 10,
    description: 'The Beijing date it was signed; not after today',
  })
  @IsString()
  @Matches(DATE, { message: 'signedOn must be a date like 2027-06-18' })
  signedOn: string;

  @ApiProperty({
    example: '360100',
    pattern: REGION_CODE.source,
    maxLength: 6,
    description: 'The 6-digit administrative division code where it is registered (as organizations use)',
  })
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode: string;

  @ApiProperty({
    example: 'new_materials',
    maxLength: 64,
    description: 'An active industry chain (GET /industry-chains)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  industryChain: string;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    example: CONTRACT_EXAMPLE_IDS.result,
    description: 'The result transferred (results library)',
  })
  @IsOptional()
  @IsUUID()
  resultId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    example: CONTRACT_EXAMPLE_IDS.need,
    description: 'The need it answers (demand library)',
  })
  @IsOptional()
  @IsUUID()
  needId?: string | null;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.project, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  projectId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    example: CONTRACT_EXAMPLE_IDS.broker,
    description: 'The user id of the technology broker (技术经纪人); never shown publicly',
  })
  @IsOptional()
  @IsUUID()
  brokerUserId?: string | null;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'true: the public list of registered contracts does not name the parties',
  })
  @IsOptional()
  @IsBoolean()
  confidential?: boolean;

  @ApiPropertyOptional({
    type: [ContractAttachmentInputDto],
    maxItems: 20,
    description: 'The signed contract and its annexes',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique((a: ContractAttachmentInputDto) => a?.attachmentId)
  @ValidateNested({ each: true })
  @Type(() => ContractAttachmentInputDto)
  attachments?: ContractAttachmentInputDto[];
}

export class UpdateContractDto extends PartialType(CreateContractDto) {}

export class ContractReasonDto {
  @ApiProperty({ example: '合同技术交易额认定依据不足，请补充技术性收入说明后重新提交', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason: string;
}

export class ListContractsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'One status or several, comma-separated',
    ...csvEnumProperty(CONTRACT_STATUSES),
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @IsIn(CONTRACT_STATUSES, { each: true })
  status?: ContractStatus[];
}

export class PublicContractsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CONTRACT_TYPES })
  @IsOptional()
  @IsIn(CONTRACT_TYPES)
  type?: ContractType;

  @ApiPropertyOptional({ example: 'new_materials', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industryChain?: string;

  @ApiPropertyOptional({
    example: '360100',
    pattern: REGION_CODE.source,
    maxLength: 6,
    description: 'A province (360000), city (360100) or county code: every contract within it',
  })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a 6-digit administrative division code' })
  region?: string;
}
