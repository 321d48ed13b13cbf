import { Module } from '@nestjs/common';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ChallengeSessionsController, SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * Defence (答辩) and site-visit (现场考察) sessions of applications in review: scheduled, rescheduled, held
 * with minutes and outcome, or cancelled, by admins; read by the challenge's and the application's
 * organizations (ADR 0025).
 */
@Module({
  imports: [ChallengesModule],
  controllers: [ChallengeSessionsController, SessionsController],
  providers: [SessionsService, SessionsRepository],
  exports: [SessionsService, SessionsRepository],
})
export class SessionsModule {}
