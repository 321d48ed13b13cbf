import { Module } from '@nestjs/common';
import { TermsModule } from '../../platform/terms/terms.module';
import { NeedsModule } from '../needs/needs.module';
import { ResultsModule } from '../results/results.module';
import { MatchAlertsHandler } from './match-alerts.handler';
import { MatchingController } from './matching.controller';
import { MatchingService } from './matching.service';

/**
 * Matching in the transfer loop (ADR 0060 "Wiring"): needs' and results' matches with their
 * explanation, brokers' labels, and the standing alerts raised when a result is published (in the
 * worker). Needs and results keep their own entries in the index (NeedMatching, ResultMatching).
 */
@Module({
  imports: [TermsModule, NeedsModule, ResultsModule],
  controllers: [MatchingController],
  providers: [MatchingService, MatchAlertsHandler],
})
export class MatchingModule {}
