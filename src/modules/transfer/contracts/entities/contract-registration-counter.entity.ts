import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last registration number handed out per region and year (docs/adr/0061). Registration
 * increments it inside its own transaction: the row lock queues concurrent registrations of the
 * region, and a rolled-back registration gives its number back, so numbers have no gaps and no
 * duplicates (a PostgreSQL SEQUENCE would leave gaps).
 */
@Entity('technology_contract_counters')
export class ContractRegistrationCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 6 })
  regionCode: string;

  @PrimaryColumn({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  lastValue: number;
}
