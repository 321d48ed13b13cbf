import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class SelectDto {
  @ApiProperty({
    example: [EXAMPLE_IDS.application],
    type: [String],
    format: 'uuid',
    description: 'The selected applications: 1 (single), 1..teamCount (horse race)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  applicationIds: string[];

  @ApiProperty({
    example: '经对接洽谈，发榜方同意由该团队揭榜',
    description: 'The issuer’s agreement: the outcome of the negotiation (对接洽谈)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  issuerAgreement: string;
}

export class LodgeObjectionDto {
  @ApiProperty({
    example: '中选团队的业绩材料与事实不符',
    description: 'The grounds of the objection (异议)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  grounds: string;
}

export class DecideObjectionDto {
  @ApiProperty({ enum: ['under_investigation', 'upheld', 'dismissed'] })
  @IsIn(['under_investigation', 'upheld', 'dismissed'])
  status: 'under_investigation' | 'upheld' | 'dismissed';

  @ApiProperty({ example: '经核查，业绩材料属实，异议不成立' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}
