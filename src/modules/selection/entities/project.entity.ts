import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '../../../common/json';
import { bigintNumber } from '../../../infra/database/transformers';
import { ApplicationEntity } from '../../applications/entities/application.entity';
import { ChallengeEntity } from '../../challenges/entities/challenge.entity';

export const PROJECT_STATUSES = [
  'pending_signature',
  'active',
  'acceptance_requested',
  'accepted',
  'failed',
  'suspended',
  'terminated',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/**
 * A project (立项) per selected bid, created by the award in `pending_signature` with the task book
 * copied from the bid; the projects issue adds the rest. One per bid (uq_projects_application).
 */
@Entity('projects')
@Index('uq_projects_application', ['applicationId'], { unique: true })
@Index('ix_projects_challenge', ['challengeId'])
@Check(
  'ck_projects_status',
  `"status" IN ('pending_signature', 'active', 'acceptance_requested', 'accepted', 'failed', 'suspended', 'terminated')`,
)
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  challengeId: string;

  @ManyToOne(() => ChallengeEntity)
  @JoinColumn({ name: 'challenge_id', foreignKeyConstraintName: 'fk_projects_challenge' })
  challenge?: ChallengeEntity;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => ApplicationEntity)
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'fk_projects_application' })
  application?: ApplicationEntity;

  @Column({ type: 'text' })
  status: ProjectStatus;

  @Column({ type: 'jsonb' })
  taskBook: JsonObject;

  @Column({ type: 'bigint', transformer: bigintNumber })
  fiscalFen: number;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
