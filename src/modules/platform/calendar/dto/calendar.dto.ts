import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_TIMES } from '../../../../common/openapi/examples';
import { CALENDAR_DAY_KINDS } from '../entities/calendar-day.entity';
import type { CalendarDayKind } from '../entities/calendar-day.entity';

/** 'YYYY-MM-DD' (that it is a real date is checked by the service: 400 on the field). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The years the calendar accepts (the table's check). */
export const CALENDAR_YEARS = { min: 2000, max: 2100 } as const;
/** More special days than any year has had (2025: 29, weekend days of holidays included). */
export const MAX_DAYS_PER_YEAR = 120;

const KIND_DESCRIPTION =
  '`holiday`: a public holiday (放假), not a working day even on a weekday; `workday`: a make-up working day ' +
  '(调休上班), a Saturday or Sunday that is a working day';

/** Absent is allowed, null is not. */
function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

export class SetCalendarDayDto {
  @ApiProperty({ enum: CALENDAR_DAY_KINDS, example: 'holiday', description: KIND_DESCRIPTION })
  @IsIn(CALENDAR_DAY_KINDS)
  kind: CalendarDayKind;

  @ApiProperty({ example: '春节', maxLength: 50, description: 'The festival, e.g. 元旦, 春节, 国庆节' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name: string;
}

export class CalendarDayInputDto extends SetCalendarDayDto {
  @ApiProperty({
    example: '2027-02-05',
    format: 'date',
    pattern: ISO_DATE.source,
    maxLength: 10,
    description: 'An Asia/Shanghai calendar date of the year',
  })
  @IsString()
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  date: string;
}

/** A whole year, as the State Council's notice gives it: replaces every special day of the year. */
export class LoadCalendarYearDto {
  @ApiProperty({
    example: '国务院办公厅关于2027年部分节假日安排的通知',
    maxLength: 500,
    description: 'Where the days come from (the notice, its number)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  source: string;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description:
      'true when the days are an expected arrangement still to be confirmed by the published notice',
  })
  @IsOmittable()
  @IsBoolean()
  provisional?: boolean;

  @ApiProperty({
    type: [CalendarDayInputDto],
    maxItems: MAX_DAYS_PER_YEAR,
    description:
      'Every special day of the year, once: the holidays (weekend days of a holiday may be listed too) and the ' +
      'make-up working days. An empty list means the year has no special day at all',
  })
  @IsArray()
  @ArrayMaxSize(MAX_DAYS_PER_YEAR)
  @ValidateNested({ each: true })
  @TransformType(() => CalendarDayInputDto)
  days: CalendarDayInputDto[];
}

export class CalendarDayResponseDto {
  @ApiProperty({ example: '2027-02-05', format: 'date' }) date: string;
  @ApiProperty({ enum: CALENDAR_DAY_KINDS, example: 'holiday', description: KIND_DESCRIPTION })
  kind: CalendarDayKind;
  @ApiProperty({ example: '春节' }) name: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 7,
    example: 5,
    description: 'ISO weekday of the date: 1 Monday … 7 Sunday',
  })
  weekday: number;
  @ApiProperty({ example: false, description: 'Whether the date is a working day' })
  workingDay: boolean;
}

export class CalendarYearResponseDto {
  @ApiProperty({ type: 'integer', example: 2027, minimum: CALENDAR_YEARS.min, maximum: CALENDAR_YEARS.max })
  year: number;

  @ApiProperty({
    example: true,
    description:
      'The year is complete: working days follow its special days. When false, a deadline that needs the year ' +
      'counts Monday to Friday only, and the admins are warned',
  })
  loaded: boolean;

  @ApiProperty({
    example: false,
    description: 'Loaded from an expected arrangement that must be confirmed against the published notice',
  })
  provisional: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '国务院办公厅关于2027年部分节假日安排的通知',
  })
  source: string | null;

  @ApiProperty({ type: 'integer', example: 2, description: 'Grows with every change of the year' })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: EXAMPLE_TIMES.created })
  updatedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: EXAMPLE_TIMES.created,
    description: 'When the admins were warned that a deadline needed this year before it was loaded',
  })
  missingWarnedAt: string | null;

  @ApiProperty({ type: [CalendarDayResponseDto], description: 'The special days, in date order' })
  days: CalendarDayResponseDto[];
}
