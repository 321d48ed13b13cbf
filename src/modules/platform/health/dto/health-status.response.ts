import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthStatusResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: string;

  /** Each checked dependency and its state (readiness only). */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    example: { database: { status: 'up' }, redis: { status: 'up' } },
  })
  details?: Record<string, Record<string, unknown>>;
}
