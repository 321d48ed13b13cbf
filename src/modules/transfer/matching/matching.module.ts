import { Module } from '@nestjs/common';
import { TeamsModule } from '../../call/teams/teams.module';
import { TermsModule } from '../../platform/terms/terms.module';
import { NeedsModule } from '../needs/needs.module';
import { ResultsModule } from '../results/results.module';
import { MatchAlertsHandler } from './match-alerts.handler';
import { MatchBackfill, MatchBackfillRunner } from './match-backfill';
import { MatchIntroductionsService } from './match-introductions.service';
import { MatchSubjects } from './match-subjects';
import { MatchSubjectsRepository } from './match-subjects.repository';
import { MatchingController } from './matching.controller';
import { MatchingService } from './matching.service';

/**
 * Matching in the transfer loop (ADR 0060 "Wiring"): needs' and results' matches with their
 * explanation, brokers' labels, and the standing alerts raised when a result is published (in the
 * worker). Needs and results keep their own entries in the index (NeedMatching, ResultMatching).
 */
@Module({
  imports: [TermsModule, NeedsModule, ResultsModule, TeamsModule],
  controllers: [MatchingController],
  providers: [
    MatchingService,
    MatchIntroductionsService,
    MatchSubjects,
    MatchSubjectsRepository,
    MatchAlertsHandler,
    MatchBackfill,
  ],
  exports: [MatchBackfill],
})
export class MatchingModule {}

/** The worker's matching: the module, and the backfill of the index at start (MatchBackfillRunner). */
@Module({
  imports: [MatchingModule],
  providers: [MatchBackfillRunner],
})
export class MatchingWorkerModule {}
