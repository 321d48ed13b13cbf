import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { CalendarService } from './calendar.service';
import {
  CALENDAR_YEARS,
  CalendarYearResponseDto,
  LoadCalendarYearDto,
  SetCalendarDayDto,
} from './dto/calendar.dto';
import { Endpoint } from '../../../common/openapi/endpoint';

const YEAR_PARAM = {
  name: 'year',
  schema: { type: 'integer' as const, minimum: CALENDAR_YEARS.min, maximum: CALENDAR_YEARS.max },
  example: 2027,
};
const DATE_PARAM = {
  name: 'date',
  description: 'An Asia/Shanghai calendar date YYYY-MM-DD',
  schema: { type: 'string' as const, format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 },
  example: '2027-02-13',
};

/**
 * The official working-day calendar (docs/adr/0039): public holidays and make-up working days per
 * year, which every deadline counted in working days follows. Public to read, admin to maintain.
 */
@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get(':year')
  @Public()
  @ApiParam(YEAR_PARAM)
  @Endpoint({
    summary:
      "A year's official calendar: its public holidays and make-up working days, and whether it is loaded",
    description:
      'Public: the working days decide public deadlines (the end of publicity, review due dates). A working day ' +
      'is a make-up working day (`workday`), or a Monday to Friday that is not a `holiday`. A year that is not ' +
      '`loaded` answers with what it has (often nothing); deadlines that need it count Monday to Friday only ' +
      'and the admins are warned. `provisional`: an expected arrangement still to be confirmed by the notice.',
    errors: [{ VALIDATION_FAILED: 'not a year between 2000 and 2100' }],
  })
  @ApiOkResponse({ type: CalendarYearResponseDto })
  getYear(@Param('year') year: string): Promise<CalendarYearResponseDto> {
    return this.calendar.getYear(year);
  }

  @Put(':year')
  @Authenticated({ roles: ['admin'] })
  @ApiParam(YEAR_PARAM)
  @Endpoint({
    summary: "Load a whole year from the State Council's notice (replaces its special days; marks it loaded)",
    description:
      'In one transaction: every special day of the year is replaced by the list, the year is marked loaded ' +
      '(with its source, and provisional or not), its version grows, and the change is audited ' +
      '(`calendar.year_loaded`, with the days before and after). Deadlines already scheduled keep their time; ' +
      'deadlines computed from now on follow the new days. Each date must be in the year and listed once; a ' +
      '`workday` must be a Saturday or Sunday.',
    errors: [
      {
        VALIDATION_FAILED:
          'not a year, or a day that is not a date of the year, listed twice, or a weekday workday',
      },
    ],
  })
  @ApiOkResponse({ type: CalendarYearResponseDto })
  loadYear(
    @Auth() auth: Principal,
    @Param('year') year: string,
    @Body() dto: LoadCalendarYearDto,
  ): Promise<CalendarYearResponseDto> {
    return this.calendar.loadYear(auth, year, dto);
  }

  @Put('days/:date')
  @Authenticated({ roles: ['admin'] })
  @ApiParam(DATE_PARAM)
  @Endpoint({
    summary: 'Set one special day: a public holiday or a make-up working day (调休), with its name',
    description:
      'Creates or replaces the day; audited (`calendar.day_set`). Does not change whether the year is loaded. ' +
      'A `workday` must be a Saturday or Sunday. Answers the whole year.',
    errors: [{ VALIDATION_FAILED: 'not a date, a year out of range, or a weekday workday' }],
  })
  @ApiOkResponse({ type: CalendarYearResponseDto })
  setDay(
    @Auth() auth: Principal,
    @Param('date') date: string,
    @Body() dto: SetCalendarDayDto,
  ): Promise<CalendarYearResponseDto> {
    return this.calendar.setDay(auth, date, dto);
  }

  @Delete('days/:date')
  @Authenticated({ roles: ['admin'] })
  @ApiParam(DATE_PARAM)
  @Endpoint({
    summary: 'Remove one special day: the date becomes an ordinary day (Monday to Friday work, weekends off)',
    description: 'Audited (`calendar.day_deleted`). Answers the whole year.',
    errors: [
      {
        VALIDATION_FAILED: 'not a date, or a year out of range',
        NOT_FOUND: 'the date is not a special day',
      },
    ],
  })
  @ApiOkResponse({ type: CalendarYearResponseDto })
  deleteDay(@Auth() auth: Principal, @Param('date') date: string): Promise<CalendarYearResponseDto> {
    return this.calendar.deleteDay(auth, date);
  }
}
