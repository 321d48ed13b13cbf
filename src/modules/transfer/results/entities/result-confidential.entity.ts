import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ResultEntity } from './result.entity';

/** The confidential details of a result, readable only by its holder, brokers, admins and after the undertaking. */
@Entity('result_confidential')
export class ResultConfidentialEntity {
  @PrimaryColumn({ type: 'uuid' })
  resultId: string;

  @OneToOne(() => ResultEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_result_confidential_result' })
  result?: ResultEntity;

  @Column({ type: 'text' })
  details: string;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
