import { Module } from '@nestjs/common';
import { CalendarModule } from '../../platform/calendar/calendar.module';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { ChallengeSelectionController, ObjectionsController } from './selection.controller';
import { SelectionDeadlines } from './selection.deadlines';
import { SelectionService } from './selection.service';

/** Selection, publicity (公示), objections (异议) and the award with its projects (ADR 0026). */
@Module({
  imports: [ChallengesModule, ProgramsModule, CalendarModule],
  controllers: [ChallengeSelectionController, ObjectionsController],
  providers: [SelectionService, SelectionDeadlines],
  exports: [SelectionService],
})
export class SelectionModule {}
