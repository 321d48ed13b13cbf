import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../call/applications/applications.module';
import { CalendarModule } from '../../platform/calendar/calendar.module';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ExpertsModule } from '../experts/experts.module';
import { PanelsModule } from '../panels/panels.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { TeamsModule } from '../../call/teams/teams.module';
import { ChallengeReviewController, ReviewAssignmentsController } from './reviews.controller';
import { ReviewDeadlines } from './reviews.deadlines';
import { ReviewsRepository } from './reviews.repository';
import { ReviewAssignmentsService } from './review-assignments.service';
import { ReviewPanelsService } from './review-panels.service';
import { ReviewResultsService } from './review-results.service';

/**
 * Expert review (评审): the panel (drawn, declared and replaced through the shared expert panel,
 * ADR 0041), the blind view of an application, scores, and the close with the ranking (docs/adr/0024); the
 * arithmetic is scoring.ts (docs/adr/0023). The worker runs ReviewDeadlines (reminders before the
 * panel's due time, a notice to admins when it passes).
 */
@Module({
  imports: [
    ChallengesModule,
    ApplicationsModule,
    ExpertsModule,
    PanelsModule,
    ProgramsModule,
    TeamsModule,
    CalendarModule,
  ],
  controllers: [ChallengeReviewController, ReviewAssignmentsController],
  providers: [
    ReviewPanelsService,
    ReviewResultsService,
    ReviewAssignmentsService,
    ReviewsRepository,
    ReviewDeadlines,
  ],
  exports: [ReviewPanelsService, ReviewsRepository],
})
export class ReviewsModule {}
