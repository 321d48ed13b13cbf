import { Module } from '@nestjs/common';
import { CalendarModule } from '../../platform/calendar/calendar.module';
import { ApplicationsModule } from '../../call/applications/applications.module';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { ProjectsModule } from '../projects/projects.module';
import { AwardService } from './award.service';
import { ObjectionsService } from './objections.service';
import { ChallengeSelectionController, ObjectionsController } from './selection.controller';
import { SelectionDeadlines } from './selection.deadlines';
import { SelectionRepository } from './selection.repository';
import { SelectionService } from './selection.service';

/**
 * Selection, publicity (公示), objections (异议) and the award (ADR 0026); the award's projects are
 * created by ProjectsModule (ProjectLifecycleService.createFromAward).
 */
@Module({
  imports: [ChallengesModule, ApplicationsModule, ProgramsModule, CalendarModule, ProjectsModule],
  controllers: [ChallengeSelectionController, ObjectionsController],
  providers: [SelectionRepository, AwardService, SelectionService, ObjectionsService, SelectionDeadlines],
  exports: [SelectionService],
})
export class SelectionModule {}
