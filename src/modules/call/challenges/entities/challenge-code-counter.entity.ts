import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last code number handed out per year. Approval increments it in its own transaction (the
 * row lock serialises concurrent approvals), so a rolled-back approval gives its number back:
 * codes have no gaps and no duplicates, which a PostgreSQL SEQUENCE cannot promise.
 */
@Entity('challenge_code_counters')
export class ChallengeCodeCounterEntity {
  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  lastValue: number;
}
