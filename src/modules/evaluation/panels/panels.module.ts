import { Module } from '@nestjs/common';
import { TermsModule } from '../../platform/terms/terms.module';
import { ExpertsModule } from '../experts/experts.module';
import { ExpertPanelService } from './expert-panel.service';
import { PanelExpertsRepository } from './panel-experts.repository';

/**
 * The expert panel (专家组), one component for review panels and acceptance panels (ADR 0041): the
 * seeded draw, conflicts, reserves and replacement, member statuses, assignment notices.
 */
@Module({
  imports: [ExpertsModule, TermsModule],
  providers: [ExpertPanelService, PanelExpertsRepository],
  exports: [ExpertPanelService],
})
export class PanelsModule {}
