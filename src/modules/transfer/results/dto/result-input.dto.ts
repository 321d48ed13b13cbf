import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { MAX_FEN } from '../../../call/challenges/dto/challenge-input.dto';
import { IP_STATUSES, RESULT_TYPES, TRANSFER_MODES, TRL_MAX, TRL_MIN } from '../results.constants';
import type { IpStatus, ResultType, TransferMode } from '../results.constants';
import { UTILISATION_KINDS } from '../entities/result-utilisation.entity';
import type { UtilisationKind } from '../entities/result-utilisation.entity';

export class IpRecordInputDto {
  @ApiProperty({
    example: '发明专利',
    maxLength: 100,
    description: 'Kind of IP: 发明专利, 软件著作权, 植物新品种权…',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  kind: string;

  @ApiProperty({ example: 'ZL202310000000.1', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  number: string;

  @ApiProperty({ type: [String], format: 'uuid', example: [EXAMPLE_IDS.leadOrganization], maxItems: 20 })
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID(undefined, { each: true })
  holderOrganizationIds: string[];

  @ApiProperty({ enum: IP_STATUSES, example: 'granted' })
  @IsIn(IP_STATUSES)
  status: IpStatus;
}

export class ResultHolderInputDto {
  @ApiProperty({
    example: '南昌大学',
    maxLength: 200,
    description: 'The holder organization as named on the result',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ format: 'uuid', example: EXAMPLE_IDS.leadOrganization, nullable: true })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;
}

export class CreateResultDto {
  @ApiProperty({ example: '高功率密度永磁同步电机控制技术', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: '面向新能源汽车驱动的高功率密度电机控制方法，已完成样机验证。', maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  abstract: string;

  @ApiProperty({ enum: RESULT_TYPES, example: 'patent' })
  @IsIn(RESULT_TYPES)
  type: ResultType;

  @ApiProperty({
    example: 'new_energy_vehicles',
    maxLength: 64,
    description: 'An active industry chain code (422 otherwise)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  industryChain: string;

  @ApiProperty({ type: [String], example: ['永磁同步电机', '矢量控制'], maxItems: 20 })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(50, { each: true })
  keywords: string[];

  @ApiProperty({
    type: 'integer',
    minimum: TRL_MIN,
    maximum: TRL_MAX,
    example: 6,
    description: 'The technology readiness level the holder claims (GB/T 22900, 1–9)',
  })
  @IsInt()
  @Min(TRL_MIN)
  @Max(TRL_MAX)
  trlClaimed: number;

  @ApiProperty({ type: [IpRecordInputDto], maxItems: 50 })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => IpRecordInputDto)
  ipRecords: IpRecordInputDto[];

  @ApiProperty({ type: [ResultHolderInputDto], maxItems: 20 })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ResultHolderInputDto)
  holders: ResultHolderInputDto[];

  @ApiProperty({
    enum: TRANSFER_MODES,
    isArray: true,
    maxItems: TRANSFER_MODES.length,
    example: ['exclusive_licence', 'joint_development'],
  })
  @IsArray()
  @ArrayMaxSize(TRANSFER_MODES.length)
  @IsIn(TRANSFER_MODES, { each: true })
  transferModes: TransferMode[];

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    minimum: 0,
    example: 50000000,
    nullable: true,
    description: 'Price guidance in fen (optional)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  priceGuidanceFen?: number | null;

  @ApiPropertyOptional({
    example: '关键控制参数与工艺窗口详见保密附件',
    maxLength: 20000,
    description:
      'The confidential details: never in a public answer; read at GET /results/{id}/confidential after the undertaking',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  confidentialDetails?: string;
}

/** Every field optional; verifiedTrl is not among them (it comes only from an acceptance). */
export class UpdateResultDto extends PartialType(CreateResultDto) {}

export class ReturnResultDto {
  @ApiProperty({ example: '请补充知识产权证明材料', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

export class FileUtilisationDto {
  @ApiProperty({ example: true, description: 'Whether the result is used at all' })
  @IsBoolean()
  used: boolean;

  @ApiProperty({
    enum: UTILISATION_KINDS,
    isArray: true,
    maxItems: UTILISATION_KINDS.length,
    example: ['licensed'],
  })
  @IsArray()
  @ArrayMaxSize(UTILISATION_KINDS.length)
  @IsIn(UTILISATION_KINDS, { each: true })
  kinds: UtilisationKind[];

  @ApiProperty({ example: '已许可省内两家企业使用，年产电机控制器 2 万套', maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  description: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, example: 3000000, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  revenueFen?: number | null;
}
