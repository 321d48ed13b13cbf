import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { ProgramsModule } from '../../call/programs/programs.module';
import {
  ChangeRequestsController,
  MilestonesController,
  ProjectsController,
  StageGatesController,
} from './projects.controller';
import { ProjectsDeadlines } from './projects.deadlines';
import { ProjectsService } from './projects.service';

/** Projects (立项): task book, signatures, milestones, change requests, stage gates (ADR 0027). */
@Module({
  imports: [PaymentsModule, ProgramsModule],
  controllers: [ProjectsController, MilestonesController, ChangeRequestsController, StageGatesController],
  providers: [ProjectsService, ProjectsDeadlines],
  exports: [ProjectsService],
})
export class ProjectsModule {}
