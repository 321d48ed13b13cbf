import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../../users/entities/user.entity';

/**
 * A person's TOTP authenticator (RFC 6238, ADR 0044). Pending until confirmed with a first code;
 * only a confirmed one is asked for at sign-in. The secret is stored encrypted (AES-256-GCM).
 */
@Entity('user_totp')
export class UserTotpEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_totp_user' })
  user?: UserEntity;

  /** `v1.<iv>.<ciphertext>.<tag>` (base64url) of the base32 secret: TotpSecretCipher. */
  @Column({ type: 'text' })
  secretEncrypted: string;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  /** The last time step (unix time / 30 s) whose code was accepted: a code works once. */
  @Column({ type: 'integer', nullable: true })
  lastUsedStep: number | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
