import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../call/applications/applications.module';
import { CalendarModule } from '../../platform/calendar/calendar.module';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ExpertsModule } from '../experts/experts.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { TeamsModule } from '../../call/teams/teams.module';
import { ChallengeReviewController, ReviewAssignmentsController } from './reviews.controller';
import { ReviewDeadlines } from './reviews.deadlines';
import { ReviewsRepository } from './reviews.repository';
import { ReviewAssignmentsService } from './review-assignments.service';
import { ReviewPanelsService } from './review-panels.service';

/**
 * Expert review (评审): the seeded panel draw without conflicts, declarations and replacements by
 * reserves, the blind view of a bid, scores, and the close with the ranking (docs/adr/0024); the
 * arithmetic is scoring.ts (docs/adr/0023). The worker runs ReviewDeadlines (reminders before the
 * panel's due time, a notice to admins when it passes).
 */
@Module({
  imports: [ChallengesModule, ApplicationsModule, ExpertsModule, ProgramsModule, TeamsModule, CalendarModule],
  controllers: [ChallengeReviewController, ReviewAssignmentsController],
  providers: [ReviewPanelsService, ReviewAssignmentsService, ReviewsRepository, ReviewDeadlines],
  exports: [ReviewPanelsService, ReviewsRepository],
})
export class ReviewsModule {}
