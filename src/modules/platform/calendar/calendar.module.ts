import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller';
import { CalendarRepository } from './calendar.repository';
import { CalendarService } from './calendar.service';
import { WorkingDaysService } from './working-days.service';

/**
 * The official working-day calendar (docs/adr/0039): holidays and make-up working days per year,
 * admin-edited and audited (CalendarService), and the working-day count every deadline uses
 * (WorkingDaysService).
 */
@Module({
  controllers: [CalendarController],
  providers: [CalendarService, CalendarRepository, WorkingDaysService],
  exports: [WorkingDaysService],
})
export class CalendarModule {}
