import { Module } from '@nestjs/common';
import { TermsModule } from '../../platform/terms/terms.module';
import { TeamMatching } from './team-matching';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';

/**
 * Teams (揭榜团队): lead organization, leader, consortium and members. The applications module imports it
 * for `TeamsService.lockForApplication`; a team used by an active application is refused edits (ADR 0020).
 */
@Module({
  imports: [TermsModule],
  controllers: [TeamsController],
  providers: [TeamsService, TeamsRepository, TeamMatching],
  exports: [TeamsService, TeamsRepository, TeamMatching],
})
export class TeamsModule {}
