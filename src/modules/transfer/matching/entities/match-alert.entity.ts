import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { NeedEntity } from '../../needs/entities/need.entity';
import { ResultEntity } from '../../results/entities/result.entity';

/** A standing alert raised (`match.found`): one row per need and result, so each pair alerts once. */
@Entity('match_alerts')
export class MatchAlertEntity {
  @PrimaryColumn({ type: 'uuid' })
  needId: string;

  @ManyToOne(() => NeedEntity)
  @JoinColumn({ name: 'need_id', foreignKeyConstraintName: 'fk_match_alerts_need' })
  need?: NeedEntity;

  @PrimaryColumn({ type: 'uuid' })
  resultId: string;

  @ManyToOne(() => ResultEntity)
  @JoinColumn({ name: 'result_id', foreignKeyConstraintName: 'fk_match_alerts_result' })
  result?: ResultEntity;

  @Column({ type: 'double precision' })
  score: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
