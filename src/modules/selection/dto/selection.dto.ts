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

export class SelectDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'The selected bids: 1 (single), 1..teamCount (horse race)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  applicationIds: string[];

  @ApiProperty({ description: 'The issuer’s agreement: the outcome of the negotiation (对接洽谈)' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  issuerAgreement: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class LodgeObjectionDto {
  @ApiProperty({ description: 'The grounds of the objection (异议)' })
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  grounds: string;
}

export class DecideObjectionDto {
  @ApiProperty({ enum: ['under_investigation', 'upheld', 'dismissed'] })
  @IsIn(['under_investigation', 'upheld', 'dismissed'])
  status: 'under_investigation' | 'upheld' | 'dismissed';

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}
