import { Module } from '@nestjs/common';
import { MatchDocumentsRepository } from './match-documents.repository';
import { MatchIndex } from './match-index.service';
import { TermsService } from './terms.service';

/**
 * Text terms and matching (ADR 0060), low in the layers so that evaluation (the expert draw) and
 * the transfer loop (needs, results, teams, experts) use one signal: Chinese text segmented into
 * terms, weighted, stored and compared in PostgreSQL, with an explanation.
 */
@Module({
  providers: [TermsService, MatchIndex, MatchDocumentsRepository],
  exports: [TermsService, MatchIndex],
})
export class TermsModule {}
