import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * A one-time password-reset token, stored only as the SHA-256 of the mailed secret. Usable once
 * (`usedAt`), until `expiresAt`; a newer token of the user revokes it (`revokedAt`).
 */
@Entity('password_reset_tokens')
@Index('uq_password_reset_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('ix_password_reset_tokens_user', ['userId'])
export class PasswordResetTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_password_reset_tokens_user' })
  user?: UserEntity;

  /** SHA-256 hex of the secret. */
  @Column({ type: 'text' })
  tokenHash: string;

  /** The security administrator who forced the reset; null when the user asked for it. */
  @Column({ type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
