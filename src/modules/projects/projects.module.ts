import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';

/** Projects (立项): task book, signatures, milestones, change requests, stage gates (ADR 0027). */
@Module({
  imports: [PaymentsModule],
})
export class ProjectsModule {}
