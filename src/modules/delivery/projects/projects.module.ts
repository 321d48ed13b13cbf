import { Module } from '@nestjs/common';
import { ChallengesModule } from '../../call/challenges/challenges.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import { ChangeRequestsService } from './change-requests.service';
import { MilestonesService } from './milestones.service';
import { ProjectAccess } from './project-access.service';
import { ProjectLedger } from './project-ledger';
import { ProjectLifecycleService } from './project-lifecycle.service';
import {
  ChangeRequestsController,
  MilestonesController,
  ProjectsController,
  StageGatesController,
} from './projects.controller';
import { ProjectsDeadlines } from './projects.deadlines';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';
import { StageGatesService } from './stage-gates.service';

/**
 * Projects (立项): task book, signatures, milestones, change requests, stage gates (ADR 0027).
 * Payments depends on this module, never the reverse: the ledger registers itself with
 * ProjectLedger, and reads projects through ProjectsRepository.
 */
@Module({
  imports: [ProgramsModule, ChallengesModule],
  controllers: [ProjectsController, MilestonesController, ChangeRequestsController, StageGatesController],
  providers: [
    ProjectsRepository,
    ProjectAccess,
    ProjectLedger,
    ProjectLifecycleService,
    ProjectsService,
    MilestonesService,
    ChangeRequestsService,
    StageGatesService,
    ProjectsDeadlines,
  ],
  exports: [ProjectsService, ProjectsRepository, ProjectLifecycleService, ProjectLedger, MilestonesService],
})
export class ProjectsModule {}
