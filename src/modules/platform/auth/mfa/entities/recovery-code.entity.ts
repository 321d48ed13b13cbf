import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../../users/entities/user.entity';

/** One recovery code of a person's MFA, stored only as its SHA-256 (80 random bits); usable once. */
@Entity('mfa_recovery_codes')
@Index('uq_mfa_recovery_codes_user_code', ['userId', 'codeHash'], { unique: true })
export class RecoveryCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_recovery_codes_user' })
  user?: UserEntity;

  /** SHA-256 hex of the code, upper-case without dashes. */
  @Column({ type: 'text' })
  codeHash: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
