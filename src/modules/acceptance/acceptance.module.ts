import { Module } from '@nestjs/common';

/** Acceptance (验收): request, panel, verdicts, decision, integrity records (ADR 0029). */
@Module({})
export class AcceptanceModule {}
